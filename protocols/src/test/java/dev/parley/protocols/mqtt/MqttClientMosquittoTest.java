package dev.parley.protocols.mqtt;

import dev.parley.protocols.RealServers;
import java.net.InetSocketAddress;

/** {@link MqttClient} against Mosquitto from Debian, as {@code .ci/servers.sh} starts it. */
class MqttClientMosquittoTest extends MqttClientContract {

  @Override
  InetSocketAddress broker() {
    return RealServers.mosquitto();
  }
}
