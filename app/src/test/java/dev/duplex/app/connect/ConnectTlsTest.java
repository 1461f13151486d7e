package dev.duplex.app.connect;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * wss with a self-signed certificate for {@code localhost} only (no IP address in it): refused by default,
 * trusted with --ca (host names still checked), anything goes with --insecure.
 */
@Timeout(60)
class ConnectTlsTest {
    private final Path tls;
    private final TestServer server;

    ConnectTlsTest() throws Exception {
        tls = Path.of(getClass().getResource("/tls/localhost-cert.pem").toURI()).getParent();
        server = new TestServer(tls);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anUntrustedCertificateExits3WithAHint() {
        Run run = Run.piped("", "--exec", "x", server.url("localhost", "/echo"));
        assertEquals(3, run.exitCode(), run::toString);
        assertTrue(run.err().contains("TLS failed") && run.err().contains("--ca FILE"), run::toString);
    }

    @Test
    void caTrustsTheTestCertificateAndHostNamesAreStillChecked() {
        String ca = tls.resolve("localhost-cert.pem").toString();
        Run run = Run.piped("", "--ca", ca, "--exec", "over tls", server.url("localhost", "/echo"));
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("over tls\n", run.out().replace("\r\n", "\n"));

        Run wrongHost = Run.piped("", "--ca", ca, "--exec", "x", server.url("127.0.0.1", "/echo"));
        assertEquals(3, wrongHost.exitCode(), wrongHost::toString);
        assertTrue(wrongHost.err().contains("TLS failed"), wrongHost::toString);
    }

    @Test
    void insecureTrustsAnyCertificateForAnyName() {
        Run run = Run.piped("", "--insecure", "--exec", "anyway", server.url("127.0.0.1", "/echo"));
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("anyway\n", run.out().replace("\r\n", "\n"));
    }

    @Test
    void caAndInsecureTogetherOrAMissingCaFileAreUsageErrors() {
        String ca = tls.resolve("localhost-cert.pem").toString();
        assertEquals(2, Run.piped("", "--insecure", "--ca", ca, server.url("/echo")).exitCode());
        assertEquals(2, Run.piped("", "--ca", tls.resolve("missing.pem").toString(), server.url("/echo")).exitCode());
    }
}
