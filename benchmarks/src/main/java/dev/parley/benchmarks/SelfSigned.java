package dev.parley.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A server's key for {@code 127.0.0.1}, made at run time with the JDK's {@code keytool} (EC
 * secp256r1, self-signed, valid for a day) in a temporary folder that is deleted once the key is
 * loaded; never written anywhere else. The client side trusts that certificate alone.
 */
final class SelfSigned {

  private static final String ALIAS = "server";
  private static final char[] PASSWORD = "parley-bench".toCharArray();

  /** The server's key, as JSSE and Netty's {@code SslContextBuilder} take it. */
  final KeyManagerFactory keyManagers;
  /** Trusts the server's certificate and nothing else. */
  final TrustManagerFactory trustManagers;

  private SelfSigned(KeyManagerFactory keyManagers, TrustManagerFactory trustManagers) {
    this.keyManagers = keyManagers;
    this.trustManagers = trustManagers;
  }

  /** Makes a key pair and its certificate; a few hundred milliseconds, for keytool's JVM. */
  static SelfSigned make() throws IOException, GeneralSecurityException, InterruptedException {
    Path dir = Files.createTempDirectory("parley-bench-tls");
    Path store = dir.resolve("server.p12");
    try {
      keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg",
          "SHA256withECDSA", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "1",
          "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD), "-keypass",
          new String(PASSWORD));
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keys.load(in, PASSWORD);
      }
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, PASSWORD);
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry(ALIAS, keys.getCertificate(ALIAS));
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trusted);
      return new SelfSigned(keyManagers, trustManagers);
    } finally {
      Files.deleteIfExists(store);
      Files.delete(dir);
    }
  }

  /** A JSSE context with the server's key. */
  SSLContext serverContext() throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), null, null);
    return context;
  }

  /** A JSSE context that trusts the server's certificate. */
  SSLContext clientContext() throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trustManagers.getTrustManagers(), null);
    return context;
  }

  private static void keytool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
    }
  }
}
