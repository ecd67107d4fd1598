package dev.parley.protocols.mqtt;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link MqttClient} against Moquette 0.17, a Java broker, started in this process. */
class MqttClientMoquetteTest extends MqttClientContract {

  private static Moquette moquette;

  @BeforeAll
  static void start() throws IOException {
    moquette = Moquette.start();
  }

  @AfterAll
  static void stop() throws IOException {
    moquette.close();
  }

  /** Moquette 0.17 sends a retained message to a new subscription with RETAIN 0, against 3.3.1-8. */
  @Override
  boolean marksRetainedMessages() {
    return false;
  }

  /** Moquette handles a DISCONNECT on its own threads: wait, within a bound, until it lists the client no more. */
  @Override
  void awaitGone(String clientId) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (moquette.connected(clientId)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Moquette still lists " + clientId + " " + WAIT + " after its DISCONNECT");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // a bounded poll: Moquette says nothing when it is done
    }
  }

  @Override
  InetSocketAddress broker() {
    return moquette.address();
  }
}
