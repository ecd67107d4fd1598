package dev.parley.protocols.pg;

import dev.parley.runtime.ErrorHook;
import dev.parley.runtime.TestTls;
import dev.parley.runtime.Tls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Three {@link PgServer}s on loopback ports, one for each way of authenticating, with the
 * passwords of the real server's roles in {@code .ci/servers.sh}.
 */
record PgTestServers(PgServer trust, PgServer md5, PgServer scram) implements AutoCloseable {

  static final String MD5_PASSWORD = "md5-secret";
  static final String SCRAM_PASSWORD = "scram-secret";

  static PgTestServers start() throws IOException {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    return new PgTestServers(PgServer.start(any, PgAuth.trust()), PgServer.start(any, PgAuth.md5(MD5_PASSWORD)),
        PgServer.start(any, PgAuth.scramSha256(SCRAM_PASSWORD)));
  }

  /** The same three, answering SSLRequest with 'S' and TLS, with the test certificate of {@link TestTls}. */
  static PgTestServers startWithTls() throws IOException {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    Tls tls = Tls.server(TestTls.serverContext());
    ErrorHook quiet = (where, error) -> { };
    return new PgTestServers(PgServer.start(any, PgAuth.trust(), quiet, tls),
        PgServer.start(any, PgAuth.md5(MD5_PASSWORD), quiet, tls),
        PgServer.start(any, PgAuth.scramSha256(SCRAM_PASSWORD), quiet, tls));
  }

  /** The server that authenticates as {@code method} does. */
  PgServer of(PgAuth.Method method) {
    return switch (method) {
      case TRUST -> trust;
      case MD5 -> md5;
      case SCRAM_SHA_256 -> scram;
    };
  }

  @Override
  public void close() {
    trust.close();
    md5.close();
    scram.close();
  }
}
