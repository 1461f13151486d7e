package dev.duplex.net.interop;

import dev.duplex.testkit.PeerProcess;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * Python's websockets client (peers/python/client.py) against our server; the cases are in the superclass. The
 * client offers permessage-deflate by default and every case runs with that default: our server declines the
 * extension and the session works uncompressed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PythonClientInteropTest extends PeerClientInteropTest {

    @Override
    PeerProcess client(URI url, String... argsAndSteps) {
        return PeerProcess.pythonClient(url, argsAndSteps);
    }

    @Override
    String[] offerDeflate() {
        return new String[0]; // websockets offers permessage-deflate unless --no-deflate
    }
}
