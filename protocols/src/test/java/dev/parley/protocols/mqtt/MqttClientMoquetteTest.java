package dev.parley.protocols.mqtt;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link MqttClient} against Moquette 0.17, a Java broker, started in this process: a broker for
 * each test, since one shared by all of them once stopped answering CONNECT after the
 * persistent-session test (four tests timed out waiting for CONNACK, in one CI run of many).
 */
class MqttClientMoquetteTest extends MqttClientContract {

  private Moquette moquette;

  @BeforeEach
  void start() throws IOException {
    moquette = Moquette.start();
  }

  @AfterEach
  void stop() throws IOException {
    closeClients(); // before the broker goes: the contract's own @AfterEach runs after this one
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
    moquette.await(clientId, false, WAIT);
  }

  /** Moquette takes a connection as open a moment after its CONNACK: see {@link Moquette#await}. */
  @Override
  void awaitAccepted(String clientId) {
    moquette.await(clientId, true, WAIT);
  }

  @Override
  InetSocketAddress broker() {
    return moquette.address();
  }
}
