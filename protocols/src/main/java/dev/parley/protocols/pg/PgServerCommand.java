package dev.parley.protocols.pg;

import dev.parley.protocols.Serving;
import dev.parley.runtime.ErrorHook;
import dev.parley.runtime.Tls;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.Callable;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code parley-protocols pg-server}: runs a {@link PgServer} until SIGTERM or Ctrl-C. */
@Command(name = "pg-server", mixinStandardHelpOptions = true,
    description = {"A small PostgreSQL server (protocol 3.0, simple and extended queries):",
        "SELECT of literals, a table kv(k text, v text), SET and SHOW.",
        "Connect with: psql -h 127.0.0.1 -p 15432 -U postgres",
        "or: jdbc:postgresql://127.0.0.1:15432/postgres",
        "SSLRequest is answered 'N', or 'S' and TLS with --tls-keystore. Stops cleanly on SIGTERM.", ""})
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

  @Option(names = "--tls-keystore", paramLabel = "FILE",
      description = "answer SSLRequest with 'S' and TLS 1.3/1.2, with the key and certificate of this PKCS12 key store")
  Path keyStore;

  @Option(names = "--tls-password", paramLabel = "P", defaultValue = "",
      description = "the password of --tls-keystore and of its key")
  String keyStorePassword;

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
    InetSocketAddress address = new InetSocketAddress(bind, port);
    PgServer server;
    if (keyStore == null) {
      server = PgServer.start(address, auth);
    } else {
      SSLContext context;
      try {
        context = serverContext(keyStore, keyStorePassword.toCharArray());
      } catch (IOException | GeneralSecurityException e) {
        err.println("pg-server: cannot read the key store " + keyStore + ": " + e.getMessage());
        return 2;
      }
      server = PgServer.start(address, auth, ErrorHook.logging(),
          Tls.server(context));
    }
    out.println("pg-server: listening on " + server.address().getAddress().getHostAddress() + ":"
        + server.address().getPort() + " (" + auth.method().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
        + (keyStore == null ? "" : ", TLS") + ")");
    out.flush();
    return Serving.untilTerminated("pg-server", () -> {
      server.close(Duration.ofSeconds(2)); // stop accepting, let replies already queued leave
      out.println("pg-server: stopped");
      out.flush();
    });
  }

  /** A server's TLS context with the key and certificate of a PKCS12 key store. */
  static SSLContext serverContext(Path path, char[] password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(path)) {
      store.load(in, password);
    }
    KeyManagerFactory keys =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }
}
