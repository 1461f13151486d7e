package dev.duplex.net;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Objects;

/**
 * The server's TLS identity for wss: built from a PKCS#12 keystore, from PEM files (PKCS#8 key, RSA or EC, and
 * a certificate chain), or from an {@link SSLContext} made elsewhere. Immutable and thread-safe.
 *
 * <p><b>Errors:</b> the factory methods throw {@link GeneralSecurityException} for a bad key, certificate or
 * password, and {@link IOException} for an unreadable file, both naming the problem. A TLS failure with a
 * client later closes only that connection.
 */
public final class TlsConfig {
    private final SSLContext context;

    private TlsConfig(SSLContext context) {
        this.context = context;
    }

    public static TlsConfig of(SSLContext context) {
        return new TlsConfig(Objects.requireNonNull(context));
    }

    /** The first key entry of a PKCS#12 keystore, whose key has the store's password. */
    public static TlsConfig fromPkcs12(Path keystore, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, password);
        }
        return fromKeyStore(ks, password);
    }

    /**
     * @param certificateChain PEM file with the server certificate first, then intermediates
     * @param privateKey       PEM file with the unencrypted PKCS#8 key ({@code -----BEGIN PRIVATE KEY-----})
     */
    public static TlsConfig fromPem(Path certificateChain, Path privateKey) throws IOException,
            GeneralSecurityException {
        Certificate[] chain = PemFiles.certificates(certificateChain);
        PrivateKey key = PemFiles.privateKey(privateKey);
        char[] password = new char[0];
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, password, chain);
        return fromKeyStore(ks, password);
    }

    private static TlsConfig fromKeyStore(KeyStore ks, char[] password) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return new TlsConfig(context);
    }

    public SSLContext context() {
        return context;
    }

    SSLEngine newServerEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }
}
