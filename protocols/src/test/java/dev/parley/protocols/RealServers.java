package dev.parley.protocols;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetSocketAddress;
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

  private static InetSocketAddress require(String variable, String server) {
    String where = System.getenv(variable);
    if (where == null || where.isBlank()) {
      String why = variable + " is not set: this test needs " + server + ", started as .ci/servers.sh does"
          + " (source .ci/servers.sh && servers_start, as root, then run the tests in that shell)";
      if ("true".equals(System.getenv("CI"))) {
        fail("required under CI=true: " + why);
      }
      Assumptions.abort(why);
    }
    int colon = where.lastIndexOf(':');
    return new InetSocketAddress(where.substring(0, colon), Integer.parseInt(where.substring(colon + 1)));
  }
}
