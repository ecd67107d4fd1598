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

  @Override
  InetSocketAddress broker() {
    return moquette.address();
  }
}
