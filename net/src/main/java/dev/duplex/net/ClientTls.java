package dev.duplex.net;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.util.List;

/**
 * Client-mode {@link SSLEngine}s with the checks a browser makes: SNI with the URL's host name, and HTTPS
 * hostname verification ({@code setEndpointIdentificationAlgorithm("HTTPS")}) so a certificate for another name
 * fails the handshake even when it chains to a trusted root. Neither can be turned off.
 */
final class ClientTls {
    private ClientTls() {
    }

    static SSLEngine engine(SSLContext context, String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(host)) {
            params.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(params);
        return engine;
    }

    /** IPv4 dotted quads and IPv6 literals (SNI forbids IP addresses). */
    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}
