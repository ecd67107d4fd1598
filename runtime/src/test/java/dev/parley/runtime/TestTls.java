package dev.parley.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates for TLS tests, made at test time with the JDK's {@code keytool} (never committed):
 * a server's, for {@code localhost} and {@code 127.0.0.1}; a client's, for client authentication;
 * and a rogue server's, for the same names, that nobody trusts. Each is self-signed and valid for
 * two days. Made once per JVM, in a temporary folder.
 */
public final class TestTls {

  /** The password of every key store made here. */
  public static final String PASSWORD = "parley-test";

  private static Path dir;

  private TestTls() {}

  /** The server's key store (PKCS12, alias {@code server}, password {@link #PASSWORD}). */
  public static synchronized Path serverKeyStore() {
    return keyStore("server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
  }

  /** The client's key store (PKCS12, alias {@code client}). */
  public static synchronized Path clientKeyStore() {
    return keyStore("client", "CN=parley-test-client", null);
  }

  /** The rogue server's key store: the same names as the server's, a key nobody trusts. */
  public static synchronized Path rogueKeyStore() {
    return keyStore("rogue", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
  }

  /** The server's certificate alone, PEM, as peers outside Java (openssl, PostgreSQL) read it. */
  public static synchronized Path serverCertificatePem() {
    Path pem = directory().resolve("server.crt");
    if (!Files.exists(pem)) {
      keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", serverKeyStore().toString(),
          "-storepass", PASSWORD, "-file", pem.toString());
      pem.toFile().deleteOnExit();
    }
    return pem;
  }

  /** A server with the server's key, trusting the client's certificate (for client authentication). */
  public static SSLContext serverContext() {
    return context(serverKeyStore(), clientKeyStore());
  }

  /** A server with the rogue key. */
  public static SSLContext rogueServerContext() {
    return context(rogueKeyStore(), clientKeyStore());
  }

  /** A client trusting the server's certificate, with no key of its own. */
  public static SSLContext clientContext() {
    return context(null, serverKeyStore());
  }

  /** A client trusting the server's certificate, with the client's key. */
  public static SSLContext clientContextWithCertificate() {
    return context(clientKeyStore(), serverKeyStore());
  }

  /** A client that trusts nothing this class made (only the JDK's default authorities). */
  public static SSLContext clientContextTrustingNothing() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SSLContext context(Path keys, Path trusted) {
    try {
      KeyManagerFactory keyManagers = null;
      if (keys != null) {
        keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(load(keys), PASSWORD.toCharArray());
      }
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      KeyStore source = load(trusted);
      for (String alias : java.util.Collections.list(source.aliases())) {
        Certificate certificate = source.getCertificate(alias);
        trust.setCertificateEntry(alias, certificate);
      }
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a TLS context from " + keys + " and " + trusted, e);
    }
  }

  private static KeyStore load(Path path) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(path)) {
      store.load(in, PASSWORD.toCharArray());
    }
    return store;
  }

  private static Path keyStore(String alias, String name, String extension) {
    Path store = directory().resolve(alias + ".p12");
    if (Files.exists(store)) {
      return store;
    }
    List<String> arguments = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname",
        "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", name, "-validity", "2", "-keystore", store.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
    if (extension != null) {
      arguments.add("-ext");
      arguments.add(extension);
    }
    keytool(arguments.toArray(String[]::new));
    store.toFile().deleteOnExit();
    return store;
  }

  private static void keytool(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException("keytool failed: " + String.join(" ", command) + "\n"
            + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path directory() {
    if (dir == null) {
      try {
        dir = Files.createTempDirectory("parley-tls");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      dir.toFile().deleteOnExit();
    }
    return dir;
  }
}
