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
