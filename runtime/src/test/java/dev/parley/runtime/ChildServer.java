package dev.parley.runtime;

import dev.parley.runtime.CloseReason;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.nio.EventLoop;
import dev.parley.runtime.Handler;
import dev.parley.runtime.nio.NioConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A server that {@link ChildJvmServerTest} runs in a JVM of its own, so that the JVM's limits
 * (file descriptors, heap) can be pushed without harm to the test's JVM.
 *
 * <p>Arguments: the transport ({@code blocking} or {@code nio}) and what each connection does:
 * {@code echo} sends every frame back; {@code hoard} keeps every frame it received for as long as
 * the connection lives and sends back those of at most {@value #ECHOED_BYTES} bytes.
 *
 * <p>Lines on stdout: {@code PORT <port>} once listening; {@code REPORT <error>} for each report to
 * the error hook; {@code CLOSED <reason> <error>} for each event-loop connection closed by an
 * {@link Error}; {@code THREADS <names>} in answer to a line {@code threads} on stdin. The child
 * exits when its stdin ends.
 */
public final class ChildServer {

  /** Frames up to 1 MiB; the tests send 256 KiB. */
  static final RawProtocol PROTOCOL = RawProtocol.u32(1 << 20);

  /** A hoarding connection sends back frames of at most this many bytes. */
  static final int ECHOED_BYTES = 1024;

  private ChildServer() {}

  public static void main(String[] args) throws Exception {
    String transport = args[0];
    boolean hoard = args[1].equals("hoard");
    InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    // Far above the file-descriptor limit, so that the kernel's limit (EMFILE) is met first.
    ListenOptions limits = ListenOptions.defaults().withMaxConnections(10_000);
    ErrorHook hook = (where, error) -> System.out.println("REPORT " + describe(error));
    int port;
    if (transport.equals("nio")) {
      EventLoop loop = EventLoop.start("child-loop", hook);
      port = loop.listen(bind, Conversation.of(PROTOCOL), hoard ? HoardingHandler::new : EchoHandler::new,
          ConnectionOptions.defaults(), limits).getPort();
    } else {
      BlockingServer.Session<Bytes, Bytes> handler = hoard ? ChildServer::hoard : ChildServer::echo;
      port = BlockingServer.builder(PROTOCOL, handler).errorHook(hook).limits(limits).listen(bind).address().getPort();
    }
    System.out.println("PORT " + port);
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = commands.readLine(); line != null; line = commands.readLine()) {
      if (line.equals("threads")) {
        System.out.println("THREADS " + Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
            .sorted().collect(Collectors.joining(",")));
      }
    }
    System.exit(0);
  }

  /** The error's class and message on one line, and where in Parley it was thrown. */
  static String describe(Throwable error) {
    String where = "";
    for (StackTraceElement frame : error.getStackTrace()) {
      if (frame.getClassName().startsWith("dev.parley.runtime.") && !frame.getClassName().contains("ChildServer")) {
        where = " at " + frame.getClassName() + "." + frame.getMethodName();
        break;
      }
    }
    return (error.getClass().getName() + ": " + error.getMessage()).replace('\n', ' ') + where;
  }

  private static void echo(BlockingConnection<Bytes, Bytes> connection) throws java.io.IOException {
    for (Optional<Bytes> m = connection.receive(); m.isPresent(); m = connection.receive()) {
      connection.send(m.get());
    }
  }

  private static void hoard(BlockingConnection<Bytes, Bytes> connection) throws java.io.IOException {
    List<Bytes> kept = new ArrayList<>();
    for (Optional<Bytes> m = connection.receive(); m.isPresent(); m = connection.receive()) {
      kept.add(m.get());
      if (m.get().size() <= ECHOED_BYTES) {
        connection.send(m.get());
      }
    }
  }

  private static final class EchoHandler implements Handler<Bytes, Bytes> {
    @Override
    public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
      connection.send(message);
    }
  }

  /** Keeps the frames in the connection's handler, one per connection: they live as long as the connection. */
  private static final class HoardingHandler implements Handler<Bytes, Bytes> {
    private final Hoard hoard = new Hoard();

    @Override
    public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
      hoard.frames.add(message);
      if (message.size() <= ECHOED_BYTES) {
        connection.send(message);
      }
    }

    @Override
    public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
      if (cause instanceof Error) {
        System.out.println("CLOSED " + reason + " " + describe(cause));
      }
    }
  }

  private static final class Hoard {
    final List<Bytes> frames = new ArrayList<>();
  }
}
