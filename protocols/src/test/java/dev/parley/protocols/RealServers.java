package dev.parley.protocols;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;

/**
 * The real servers from Debian that some tests talk to. {@code .ci/run} installs and starts them
 * on loopback ports and says where in an environment variable; there the tests are required
 * ({@code CI=true}). Elsewhere a test whose server is not announced is skipped, with a message
 * that says what to install and how to start it.
 */
public final class RealServers {

  private RealServers() {}

  /** PostgreSQL 15, with the roles {@code .ci/servers.sh} creates. */
  public static InetSocketAddress postgres() {
    return require("PARLEY_PG", "PostgreSQL 15 (apt-get install postgresql-15)");
  }

  /** memcached, binary protocol. */
  public static InetSocketAddress memcached() {
    return require("PARLEY_MEMCACHED", "memcached (apt-get install memcached)");
  }

  /** dnsmasq over TCP, with the static records under parley.test that {@code .ci/servers.sh} gives it. */
  public static InetSocketAddress dnsmasq() {
    return require("PARLEY_DNSMASQ", "dnsmasq (apt-get install dnsmasq-base bind9-dnsutils)");
  }

  /** Mosquitto 2, anonymous clients allowed. */
  public static InetSocketAddress mosquitto() {
    return require("PARLEY_MOSQUITTO", "Mosquitto (apt-get install mosquitto mosquitto-clients)");
  }

  /** The certificate (PEM) of the real PostgreSQL's TLS, made by {@code .ci/servers.sh}. */
  public static Path postgresCertificate() {
    return Path.of(announced("PARLEY_PG_CERT", "the certificate of PostgreSQL's TLS"));
  }

  /** openssl, for TLS against its s_server and s_client. */
  public static String openssl() {
    return announced("PARLEY_OPENSSL", "openssl (apt-get install openssl)");
  }

  /** A client's TLS context that trusts the certificate in {@code pem} and nothing else. */
  public static SSLContext trusting(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("server",
          CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust " + pem, e);
    }
  }

  private static InetSocketAddress require(String variable, String server) {
    String where = announced(variable, server);
    int colon = where.lastIndexOf(':');
    return new InetSocketAddress(where.substring(0, colon), Integer.parseInt(where.substring(colon + 1)));
  }

  /** The value of {@code variable}; the test is skipped without it, and fails under CI=true. */
  private static String announced(String variable, String server) {
    String where = System.getenv(variable);
    if (where == null || where.isBlank()) {
      String why = variable + " is not set: this test needs " + server + ", started as .ci/servers.sh does"
          + " (source .ci/servers.sh && servers_start, as root, then run the tests in that shell)";
      if ("true".equals(System.getenv("CI"))) {
        fail("required under CI=true: " + why);
      }
      Assumptions.abort(why);
    }
    return where;
  }
}
