package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.palantir.javapoet.JavaFile;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's conversation example, compiled against the code generated from the PostgreSQL
 * schemas and run: a client that sends SSLRequest, reads the one-byte answer, sends its
 * StartupMessage and a Query pipelined across the phase change, against a server written as the
 * README's handlers, on the event loop and on threads. No cast in either.
 */
@Timeout(60)
class PostgresConversationTest {

  private static final String DRIVER = """
      package readme;

      import bodies.pg.answer.PgEncryptionAnswerMessage;
      import bodies.pg.answer.PgEncryptionAnswerProtocol;
      import bodies.pg.answer.Unwilling;
      import bodies.pg.backend.Authentication;
      import bodies.pg.backend.AuthenticationOk;
      import bodies.pg.backend.CommandComplete;
      import bodies.pg.backend.PgBackendMessage;
      import bodies.pg.backend.PgBackendProtocol;
      import bodies.pg.backend.ReadyForQuery;
      import bodies.pg.frontend.PgFrontendMessage;
      import bodies.pg.frontend.PgFrontendProtocol;
      import bodies.pg.frontend.Query;
      import bodies.pg.frontend.Terminate;
      import bodies.pg.startup.Parameter;
      import bodies.pg.startup.PgStartupMessage;
      import bodies.pg.startup.PgStartupProtocol;
      import bodies.pg.startup.SslRequest;
      import bodies.pg.startup.StartupMessage;
      import dev.parley.runtime.BlockingConnection;
      import dev.parley.runtime.BlockingServer;
      import dev.parley.runtime.Connection;
      import dev.parley.runtime.ConnectionOptions;
      import dev.parley.runtime.Conversation;
      import dev.parley.runtime.Handler;
      import dev.parley.runtime.ListenOptions;
      import dev.parley.runtime.nio.EventLoop;
      import java.io.IOException;
      import java.net.InetAddress;
      import java.net.InetSocketAddress;
      import java.time.Duration;
      import java.util.ArrayList;
      import java.util.List;

      public final class Driver {
        private Driver() {}

        /** The README's server: the startup phase. */
        static final class Startup implements Handler<PgStartupMessage, PgEncryptionAnswerMessage> {
          @Override
          public void onMessage(Connection<PgStartupMessage, PgEncryptionAnswerMessage> c, PgStartupMessage m) {
            if (m instanceof SslRequest) {
              c.send(new Unwilling());
            } else if (m instanceof StartupMessage startup) {
              Connection<PgFrontendMessage, PgBackendMessage> session =
                  c.switchTo(Conversation.of(PgFrontendProtocol.INSTANCE, PgBackendProtocol.INSTANCE), new Session(startup));
              session.send(new Authentication(new AuthenticationOk()));
              session.send(new ReadyForQuery('I'));
            }
          }
        }

        /** The tagged phase: a query gets CommandComplete (its tag names the user) and ReadyForQuery. */
        static final class Session implements Handler<PgFrontendMessage, PgBackendMessage> {
          private final String user;

          Session(StartupMessage startup) {
            this.user = startup.parameters().get(0).value();
          }

          @Override
          public void onMessage(Connection<PgFrontendMessage, PgBackendMessage> c, PgFrontendMessage m) {
            if (m instanceof Query query) {
              c.send(new CommandComplete(user + " " + query.sql()));
              c.send(new ReadyForQuery('I'));
            } else if (m instanceof Terminate) {
              c.closeWhenSent();
            }
          }
        }

        /** The README's client, against {@code address}: what it received, in order. */
        static List<String> client(InetSocketAddress address) throws IOException {
          Duration timeout = Duration.ofSeconds(10);
          List<String> received = new ArrayList<>();
          BlockingConnection<PgEncryptionAnswerMessage, PgStartupMessage> startup = BlockingConnection.connect(address,
              Conversation.of(PgEncryptionAnswerProtocol.INSTANCE, PgStartupProtocol.INSTANCE), timeout);
          try (startup) {
            startup.setReadTimeout(timeout);
            startup.send(new SslRequest());
            PgEncryptionAnswerMessage answer = startup.receive().orElseThrow();
            received.add(answer.toString());
            BlockingConnection<PgBackendMessage, PgStartupMessage> started =
                startup.switchTo(Conversation.of(PgBackendProtocol.INSTANCE, PgStartupProtocol.INSTANCE));
            started.send(new StartupMessage(List.of(new Parameter("user", "postgres"))));
            BlockingConnection<PgBackendMessage, PgFrontendMessage> session =
                started.switchTo(Conversation.of(PgBackendProtocol.INSTANCE, PgFrontendProtocol.INSTANCE));
            session.send(new Query("SELECT 1"));
            for (int i = 0; i < 4; i++) {
              received.add(session.receive().orElseThrow().toString());
            }
            session.send(new Terminate());
            received.add(session.receive().isEmpty() ? "end" : "more");
          }
          return received;
        }

        /** The client against the server on the event loop, then on threads. */
        public static List<List<String>> run() throws IOException {
          InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
          Conversation<PgStartupMessage, PgEncryptionAnswerMessage> server =
              Conversation.of(PgStartupProtocol.INSTANCE, PgEncryptionAnswerProtocol.INSTANCE);
          List<List<String>> runs = new ArrayList<>();
          EventLoop loop = EventLoop.start("readme-pg");
          try {
            runs.add(client(loop.listen(any, server, Startup::new, ConnectionOptions.defaults(),
                ListenOptions.defaults())));
          } finally {
            loop.close();
          }
          try (BlockingServer<PgStartupMessage, PgEncryptionAnswerMessage> threads =
              BlockingServer.listen(any, server, Startup::new, ConnectionOptions.defaults(), ListenOptions.defaults())) {
            runs.add(client(threads.address()));
          }
          return runs;
        }
      }
      """;

  @Test
  void theReadmesPostgresStartupRunsAgainstBothServers() throws Exception {
    Path bodies = TestSchemas.validCorpus().resolve("bodies");
    List<InProcessCompiler.Source> sources = new ArrayList<>();
    for (JavaFile file : JavaGenerator.of(TestSchemas.load(bodies.resolve("pg_encryption_answer.parley"),
        bodies.resolve("pg_startup.parley"), bodies.resolve("pg_frontend.parley"),
        bodies.resolve("pg_backend.parley"))).generateAll()) {
      sources.add(InProcessCompiler.Source.of(file));
    }
    sources.add(new InProcessCompiler.Source("readme.Driver", DRIVER));
    ClassLoader loader = InProcessCompiler.compile(sources, Files.createTempDirectory("pg-conversation"));
    Method run = loader.loadClass("readme.Driver").getMethod("run");
    List<String> expected = List.of("Unwilling[]", "Authentication[request=AuthenticationOk[]]",
        "ReadyForQuery[status=73]", "CommandComplete[tag=postgres SELECT 1]", "ReadyForQuery[status=73]", "end");
    assertEquals(List.of(expected, expected), run.invoke(null));
  }
}
