package dev.parley.protocols.mqtt;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Moquette, a Java MQTT broker, in this process on a free loopback port: in memory, anonymous
 * clients allowed, no telemetry (Moquette 0.17 reports usage to its authors unless told not to),
 * no WebSocket listener. Public for benchmarks/, which measures against it.
 */
public final class Moquette implements AutoCloseable {

  private final Server server = new Server();
  private final InetSocketAddress address;
  private final Path data;

  private Moquette() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort(); // Moquette binds by itself: take a port the kernel just gave out
    }
    data = Files.createTempDirectory("moquette");
    Properties p = new Properties();
    p.setProperty("host", "127.0.0.1");
    p.setProperty("port", Integer.toString(port));
    p.setProperty("websocket_port", "disabled");
    p.setProperty("allow_anonymous", "true");
    p.setProperty("persistence_enabled", "false");
    p.setProperty("data_path", data.toString());
    p.setProperty("telemetry_enabled", "false");
    server.startServer(new MemoryConfig(p));
    address = new InetSocketAddress("127.0.0.1", port);
  }

  /** Starts Moquette with its defaults otherwise: each packet is flushed to its socket at once. */
  public static Moquette start() throws IOException {
    return new Moquette();
  }

  /** Whether the broker lists a connection of {@code clientId}. */
  boolean connected(String clientId) {
    return server.listConnectedClients().stream().anyMatch(c -> c.getClientID().equals(clientId));
  }

  /**
   * Returns once the broker lists {@code clientId} as connected ({@code listed}) or no longer
   * ({@code !listed}), within {@code wait}. Moquette 0.17 answers CONNECT on a thread of its own and
   * takes the connection as open only when Netty reports the CONNACK written, in a listener that
   * may run after the client's next packet has been read: a SUBSCRIBE or PUBLISH sent the moment
   * CONNACK arrives then finds the connection "already closed", and Moquette drops it. Once the
   * session is listed, that listener has run, and the next packet is read after it.
   */
  public void await(String clientId, boolean listed, java.time.Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (connected(clientId) != listed) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Moquette " + (listed ? "does not list " : "still lists ") + clientId + " after " + wait);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // a bounded poll: Moquette says nothing when it is done
    }
  }

  public InetSocketAddress address() {
    return address;
  }

  @Override
  public void close() throws IOException {
    server.stopServer();
    try (var files = Files.walk(data)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
