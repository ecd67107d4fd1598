package dev.parley.protocols.pg;

import dev.parley.protocols.Serving;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code parley-protocols pg-server}: runs a {@link PgServer} until SIGTERM or Ctrl-C. */
@Command(name = "pg-server", mixinStandardHelpOptions = true,
    description = {"A small PostgreSQL server (protocol 3.0, simple and extended queries):",
        "SELECT of literals, a table kv(k text, v text), SET and SHOW.",
        "Connect with: psql -h 127.0.0.1 -p 15432 -U postgres",
        "or: jdbc:postgresql://127.0.0.1:15432/postgres",
        "SSLRequest is answered 'N' (no TLS). Stops cleanly on SIGTERM.", ""})
public final class PgServerCommand implements Callable<Integer> {

  @Option(names = "--port", paramLabel = "N", defaultValue = "15432",
      description = "TCP port to listen on, 0 for any free one (default: ${DEFAULT-VALUE}, not 5432, where a real PostgreSQL may run)")
  int port;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "address to listen on (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(names = "--password", paramLabel = "P",
      description = "require this password of every user (default: trust, no password)")
  String password;

  @Option(names = "--auth", paramLabel = "METHOD", defaultValue = "scram-sha-256",
      description = "how --password is asked for: scram-sha-256 or md5 (default: ${DEFAULT-VALUE})")
  String method;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PgAuth auth;
    if (password == null) {
      auth = PgAuth.trust();
    } else if (method.equalsIgnoreCase("scram-sha-256")) {
      auth = PgAuth.scramSha256(password);
    } else if (method.equalsIgnoreCase("md5")) {
      auth = PgAuth.md5(password);
    } else {
      err.println("pg-server: --auth is scram-sha-256 or md5, not " + method);
      return 2;
    }
    PgServer server = PgServer.start(new InetSocketAddress(bind, port), auth);
    out.println("pg-server: listening on " + server.address().getAddress().getHostAddress() + ":"
        + server.address().getPort() + " (" + auth.method().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
        + ")");
    out.flush();
    return Serving.untilTerminated("pg-server", () -> {
      server.close(Duration.ofSeconds(2)); // stop accepting, let replies already queued leave
      out.println("pg-server: stopped");
      out.flush();
    });
  }
}
