package dev.parley.protocols.mqtt;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link MqttClient} against Parley's own {@link MqttBroker}, the cases it passes against Mosquitto and Moquette. */
class MqttClientBrokerTest extends MqttClientContract {

  private static MqttBroker broker;

  @BeforeAll
  static void start() throws IOException {
    broker = MqttBroker.start(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Override
  InetSocketAddress broker() {
    return broker.address();
  }
}
