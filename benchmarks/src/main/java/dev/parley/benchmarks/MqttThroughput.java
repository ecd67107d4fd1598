package dev.parley.benchmarks;

import dev.parley.protocols.mqtt.ConnectPayload;
import dev.parley.protocols.mqtt.Moquette;
import dev.parley.protocols.mqtt.MqttBroker;
import dev.parley.protocols.mqtt.MqttMessage;
import dev.parley.protocols.mqtt.MqttProtocol;
import dev.parley.protocols.mqtt.Packets;
import dev.parley.protocols.mqtt.Publish;
import dev.parley.protocols.mqtt.Subscription;
import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.Bytes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * QoS 0 publish-to-deliver throughput of an MQTT broker on 127.0.0.1: one publisher, one
 * subscriber to {@code bench/#}, messages of a fixed payload to {@code bench/t}, with at most
 * {@code -Dmqtt.window=} (500) messages published and not yet delivered, so that neither broker
 * queues without bound or drops (QoS 0 allows both; Moquette drops from a window of 1,000). The
 * clients are lean on purpose, Parley's {@link BlockingConnection} of the generated
 * {@link MqttProtocol}: the publisher writes {@code -Dmqtt.batch=} (50) PUBLISH packets a write,
 * the subscriber reads on its own thread. Brokers: Parley's {@link MqttBroker}, and Moquette 0.17
 * with its defaults (each packet flushed to its socket). Each broker runs in a JVM of its own,
 * in-process with the clients, three times after a warm-up run; the median is reported.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.parley.benchmarks.MqttThroughput
 * [MESSAGES [PAYLOAD_BYTES [BROKER...]]]}, brokers named as in {@link Broker}.
 */
public final class MqttThroughput {

  /** Messages published and not yet delivered, at most. */
  static final int WINDOW = Integer.getInteger("mqtt.window", 500);
  private static final int BATCH = Integer.getInteger("mqtt.batch", 50);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private MqttThroughput() {}

  /** The brokers measured. */
  enum Broker {
    PARLEY("Parley MqttBroker (event loop)"),
    MOQUETTE("Moquette 0.17, defaults (a flush after each packet)");

    final String label;

    Broker(String label) {
      this.label = label;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--one")) {
      System.out.println("RESULT " + runOne(Broker.valueOf(args[1]), Integer.parseInt(args[2]),
          Integer.parseInt(args[3])));
      System.exit(0);
    }
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int payload = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    List<Broker> brokers = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      brokers.add(Broker.valueOf(args[i]));
    }
    if (brokers.isEmpty()) {
      brokers.addAll(List.of(Broker.values()));
    }
    System.out.printf(Locale.ROOT, "%d messages of %d bytes, QoS 0, window %d%n", messages, payload, WINDOW);
    System.out.println("| broker | messages/s (median of 3) | runs | MB/s of payload |");
    System.out.println("|---|---:|---|---:|");
    for (Broker broker : brokers) {
      List<Double> rates = new ArrayList<>();
      for (int run = 0; run < 3; run++) {
        rates.add(inChildJvm(broker, messages, payload));
      }
      List<Double> sorted = new ArrayList<>(rates);
      Collections.sort(sorted);
      double median = sorted.get(1);
      System.out.printf(Locale.ROOT, "| %s | %,.0f | %s | %.1f |%n", broker.label, median, format(rates),
          median * payload / 1e6);
    }
  }

  private static String format(List<Double> rates) {
    List<String> s = new ArrayList<>();
    rates.forEach(r -> s.add(String.format(Locale.ROOT, "%,.0f", r)));
    return String.join(", ", s);
  }

  private static double inChildJvm(Broker broker, int messages, int payload) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx1g", "-Dmqtt.window=" + WINDOW, "-Dmqtt.batch=" + BATCH,
        "-cp", System.getProperty("java.class.path"),
        MqttThroughput.class.getName(), "--one", broker.name(), Integer.toString(messages), Integer.toString(payload))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    double rate = Double.NaN;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("RESULT ")) {
          rate = Double.parseDouble(line.substring(7));
        }
      }
    }
    if (!p.waitFor(5, TimeUnit.MINUTES) || Double.isNaN(rate)) {
      p.destroyForcibly();
      throw new IOException(broker + ": the run gave no result");
    }
    return rate;
  }

  /** In this JVM: starts {@code broker}, warms up with a run of a fifth of the messages, then measures one. */
  static double runOne(Broker broker, int messages, int payload) throws Exception {
    Moquette moquette = null;
    MqttBroker parley = null;
    InetSocketAddress address;
    if (broker == Broker.PARLEY) {
      parley = MqttBroker.start(new InetSocketAddress("127.0.0.1", 0));
      address = parley.address();
    } else {
      moquette = Moquette.start();
      address = moquette.address();
    }
    try (BlockingConnection<MqttMessage, MqttMessage> sub = open(address, "bench-sub");
         BlockingConnection<MqttMessage, MqttMessage> pub = open(address, "bench-pub")) {
      if (moquette != null) { // it takes a connection as open a moment after its CONNACK
        moquette.await("bench-sub", true, WAIT);
        moquette.await("bench-pub", true, WAIT);
      }
      sub.send(Packets.subscribe(1, List.of(new Subscription("bench/#", 0))));
      sub.receive().orElseThrow(); // SUBACK
      Publish message = Packets.publish("bench/t", Bytes.of(new byte[payload]), 0, 0, false, false);
      run(pub, sub, message, Math.max(BATCH, messages / 5));
      long start = System.nanoTime();
      run(pub, sub, message, messages);
      return messages / ((System.nanoTime() - start) / 1e9);
    } finally {
      if (parley != null) {
        parley.close();
      }
      if (moquette != null) {
        moquette.close();
      }
    }
  }

  private static BlockingConnection<MqttMessage, MqttMessage> open(InetSocketAddress address, String clientId)
      throws IOException {
    BlockingConnection<MqttMessage, MqttMessage> c = BlockingConnection.connect(address, MqttProtocol.INSTANCE, WAIT);
    c.setReadTimeout(WAIT);
    c.send(ConnectPayload.NONE.connect(clientId, true, 0));
    c.receive().orElseThrow(); // CONNACK
    return c;
  }

  /** Publishes {@code n} copies of {@code message} in batches, within the window, until all are delivered. */
  private static void run(BlockingConnection<MqttMessage, MqttMessage> pub, BlockingConnection<MqttMessage, MqttMessage> sub,
      Publish message, int n) throws Exception {
    Semaphore window = new Semaphore(WINDOW);
    Exception[] failed = new Exception[1];
    Thread receiver = new Thread(() -> {
      try {
        for (int i = 0; i < n; i++) {
          if (!(sub.receive().orElseThrow() instanceof Publish)) {
            throw new IOException("not a PUBLISH");
          }
          window.release();
        }
      } catch (Exception e) {
        failed[0] = e;
        window.release(WINDOW);
      }
    }, "bench-subscriber");
    receiver.start();
    List<MqttMessage> batch = Collections.nCopies(BATCH, message);
    for (int sent = 0; sent < n; ) {
      int count = Math.min(BATCH, n - sent);
      if (!window.tryAcquire(count, WAIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IOException("no delivery for " + WAIT + " after " + sent + " published");
      }
      pub.sendAll(count == BATCH ? batch : batch.subList(0, count));
      sent += count;
    }
    receiver.join(WAIT.toMillis());
    if (failed[0] != null) {
      throw failed[0];
    }
    if (receiver.isAlive()) {
      throw new IOException("not every message was delivered within " + WAIT);
    }
  }
}
