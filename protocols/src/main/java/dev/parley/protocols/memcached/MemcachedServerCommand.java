package dev.parley.protocols.memcached;

import dev.parley.protocols.Serving;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code memcached-server}: runs a {@link MemcachedServer} until SIGTERM or Ctrl-C, which stop it
 * with a drain of the replies already queued.
 */
@Command(name = "memcached-server", mixinStandardHelpOptions = true,
    description = {"A memcached server, binary protocol only, over an in-memory store.",
        "Try it: memccp --binary --servers=127.0.0.1:PORT FILE; memccat --binary --servers=127.0.0.1:PORT FILE"})
public final class MemcachedServerCommand implements Callable<Integer> {

  /** The default port: memcached's 11211 plus 10000, so as not to take a real memcached's. */
  static final int DEFAULT_PORT = 21211;

  @Option(names = "--port", paramLabel = "N", defaultValue = "" + DEFAULT_PORT,
      description = "Port to listen on (default: ${DEFAULT-VALUE}, not memcached's 11211; 0 for any free port).")
  int port;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--memory", paramLabel = "MIB", defaultValue = "64",
      description = "Memory for items in MiB, as memcached's -m (default: ${DEFAULT-VALUE}); past it writes are "
          + "refused with status 0x0082, as memcached -M does.")
  long memoryMib;

  @Option(names = "--drain", paramLabel = "SECONDS", defaultValue = "2",
      description = "On SIGTERM, how long queued replies may take to leave (default: ${DEFAULT-VALUE}).")
  long drainSeconds;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    MemcachedServer server = MemcachedServer.builder().maxBytes(memoryMib << 20)
        .start(new InetSocketAddress(bind, port));
    InetSocketAddress address = server.address();
    out.printf("memcached-server listening on %s:%d (binary protocol)%n", address.getHostString(), address.getPort());
    out.flush();
    return Serving.untilTerminated("memcached-server", () -> server.close(Duration.ofSeconds(drainSeconds)));
  }
}
