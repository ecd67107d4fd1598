package dev.parley.protocols.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Eclipse Paho, a client many MQTT applications use, against mqtt-server's {@link MqttBroker}:
 * what a Paho application relies on, and the keep-alive both ways (Paho's pings keep it
 * connected; a client that says nothing after CONNECT is closed past 1.5 times its keep-alive).
 */
class MqttBrokerPahoTest {

  private static final long WAIT_SECONDS = 5;

  private MqttBroker broker;
  private final List<org.eclipse.paho.client.mqttv3.MqttClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    broker = MqttBroker.start(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() throws MqttException {
    for (var c : clients) {
      if (c.isConnected()) {
        c.disconnect(1_000);
      }
      c.close();
    }
    broker.close();
  }

  /** A Paho client and the messages it receives, in order. */
  private record Paho(org.eclipse.paho.client.mqttv3.MqttClient client, BlockingQueue<String> received,
      CountDownLatch lost) {
    /** The next message, as "topic=text qos retained?". */
    String next() throws InterruptedException {
      String m = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertNotNull(m, "no message within " + WAIT_SECONDS + " s");
      return m;
    }
  }

  private Paho paho(String clientId, boolean clean, int keepAliveSeconds) throws MqttException {
    var client = new org.eclipse.paho.client.mqttv3.MqttClient("tcp://127.0.0.1:" + broker.address().getPort(),
        clientId, new MemoryPersistence());
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    CountDownLatch lost = new CountDownLatch(1);
    client.setCallback(new MqttCallback() {
      @Override
      public void connectionLost(Throwable cause) {
        lost.countDown();
      }

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        received.add(topic + "=" + new String(message.getPayload(), StandardCharsets.UTF_8) + " qos" + message.getQos()
            + (message.isRetained() ? " retained" : ""));
      }

      @Override
      public void deliveryComplete(IMqttDeliveryToken token) {}
    });
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setCleanSession(clean);
    options.setKeepAliveInterval(keepAliveSeconds);
    options.setConnectionTimeout((int) WAIT_SECONDS);
    options.setAutomaticReconnect(false);
    client.setTimeToWait(WAIT_SECONDS * 1_000);
    client.connect(options);
    clients.add(client);
    return new Paho(client, received, lost);
  }

  private static MqttMessage message(String text, int qos, boolean retained) {
    MqttMessage m = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
    m.setQos(qos);
    m.setRetained(retained);
    return m;
  }

  @Test
  void pahoSubscribesWithWildcardsPublishesAndReceives() throws Exception {
    Paho subscriber = paho("sub", true, 60);
    Paho other = paho("other", true, 60);
    Paho publisher = paho("pub", true, 60);
    subscriber.client().subscribe(new String[] {"home/+/temperature", "alerts/#"}, new int[] {1, 0});
    other.client().subscribe("office/#", 1);
    publisher.client().publish("home/kitchen/temperature", message("21.5", 1, false));
    publisher.client().publish("home/kitchen/humidity", message("40", 1, false));
    publisher.client().publish("alerts/fire/floor/2", message("drill", 0, false));
    publisher.client().publish("office/desk", message("hello", 1, false));
    assertEquals("home/kitchen/temperature=21.5 qos1", subscriber.next());
    assertEquals("alerts/fire/floor/2=drill qos0", subscriber.next());
    assertEquals("office/desk=hello qos1", other.next());
    publisher.client().publish("alerts/end", message("end", 0, false));
    assertEquals("alerts/end=end qos0", subscriber.next(), "nothing between: the humidity matched no filter");
    assertTrue(other.received().isEmpty());
  }

  @Test
  void aQos1PublishCompletesOnPubackAndPahoAcknowledgesWhatItReceives() throws Exception {
    Paho subscriber = paho("acking", false, 60);
    subscriber.client().subscribe("jobs", 1);
    Paho publisher = paho("pub", true, 60);
    var token = publisher.client().getTopic("jobs").publish(message("job 1", 1, false));
    token.waitForCompletion(WAIT_SECONDS * 1_000);
    assertTrue(token.isComplete(), "the PUBACK came");
    assertNull(token.getException());
    assertEquals("jobs=job 1 qos1", subscriber.next());
    // Paho acknowledged it: the session kept across a reconnect holds nothing to send again. The
    // broker reads the PUBACK before the DISCONNECT that follows it; a reconnect that took the
    // session over before it had read them would find job 1 unacknowledged, as MQTT says (3.1.4).
    subscriber.client().disconnect(1_000);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (broker.connectedClients() != 1) {
      assertTrue(System.nanoTime() < deadline, "the broker saw the subscriber leave");
      TimeUnit.MILLISECONDS.sleep(5);
    }
    Paho again = paho("acking", false, 60);
    publisher.client().publish("jobs", message("job 2", 1, false));
    assertEquals("jobs=job 2 qos1", again.next(), "job 1 is not sent again");
  }

  @Test
  void aRetainedMessageReachesALaterPahoSubscriberMarkedRetained() throws Exception {
    Paho publisher = paho("pub", true, 60);
    publisher.client().publish("devices/lamp/state", message("on", 1, true));
    Paho late = paho("late", true, 60);
    late.client().subscribe("devices/+/state", 1);
    assertEquals("devices/lamp/state=on qos1 retained", late.next());
    publisher.client().publish("devices/lamp/state", message("off", 0, true));
    assertEquals("devices/lamp/state=off qos0", late.next(), "live, so not marked retained");
  }

  @Test
  void pahoPingsKeepItsConnectionPastItsKeepAlive() throws Exception {
    Paho quiet = paho("quiet", true, 1);
    quiet.client().subscribe("later", 0);
    // Silent for twice the 1.5 s the broker allows: only Paho's PINGREQs keep it connected.
    assertFalse(quiet.lost().await(3, TimeUnit.SECONDS), "the broker closed a client that pings");
    assertTrue(quiet.client().isConnected());
    paho("pub", true, 60).client().publish("later", message("still here", 0, false));
    assertEquals("later=still here qos0", quiet.next());
  }

  @Test
  void aClientSilentAfterConnectIsClosedPastOneAndAHalfTimesItsKeepAlive() throws IOException {
    try (Socket raw = new Socket()) {
      raw.connect(broker.address(), 5_000);
      raw.setSoTimeout(5_000);
      OutputStream out = raw.getOutputStream();
      Connect connect = ConnectPayload.NONE.connect("silent", true, 1);
      ByteBuffer frame = ByteBuffer.allocate(MqttProtocol.INSTANCE.encodedSize(connect));
      MqttProtocol.INSTANCE.encode(connect, frame);
      out.write(frame.array());
      InputStream in = raw.getInputStream();
      assertArrayEquals(new byte[] {0x20, 0x02, 0x00, 0x00}, in.readNBytes(4), "CONNACK, accepted");
      long start = System.nanoTime();
      int next;
      try {
        next = in.read();
      } catch (SocketTimeoutException e) {
        throw new AssertionError("still open 5 s after a CONNECT with a keep-alive of 1 s", e);
      } catch (IOException reset) {
        next = -1;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals(-1, next, "closed, with nothing sent");
      assertTrue(seconds >= 1.4 && seconds < 3.0, "closed after " + seconds + " s; 1.5 s expected");
    }
  }
}
