package dev.parley.protocols.mqtt;

import dev.parley.runtime.Bytes;
import java.util.List;
import java.util.Optional;

/**
 * MQTT 3.1.1 control packets with the fixed header's flags each type requires (2.2.2), so that a
 * caller names only what the packet carries, and the check a receiver makes of those flags. Every
 * generated record takes the header's {@code dup}, {@code qos} and {@code retain} as components,
 * since the frame declaration gives them to every message; only PUBLISH sets them freely.
 */
public final class Packets {

  private Packets() {}

  /** The answer to a CONNECT. */
  public static Connack connack(boolean sessionPresent, ConnectReturnCode code) {
    return new Connack(0, 0, 0, new ConnackFlags(0, sessionPresent), code);
  }

  /**
   * A PUBLISH at {@code qos} 0, 1 or 2; {@code packetId} is ignored at QoS 0.
   *
   * @throws IllegalArgumentException for a QoS outside 0 to 2, or a packet id outside 1 to 65535
   *     at QoS 1 and 2
   */
  public static Publish publish(String topic, Bytes payload, int qos, int packetId, boolean retain, boolean dup) {
    Delivery delivery = switch (qos) {
      case 0 -> new AtMostOnce(payload);
      case 1 -> new AtLeastOnce(checkPacketId(packetId), payload);
      case 2 -> new ExactlyOnce(checkPacketId(packetId), payload);
      default -> throw new IllegalArgumentException("qos is " + qos + ", not 0, 1 or 2");
    };
    if (qos == 0 && dup) {
      throw new IllegalArgumentException("a QoS 0 PUBLISH has no DUP (3.3.1.1)");
    }
    return new Publish(dup ? 1 : 0, retain ? 1 : 0, topic, delivery);
  }

  /** The payload of {@code publish}, whatever its QoS. */
  public static Bytes payload(Publish publish) {
    Delivery d = publish.delivery();
    if (d instanceof AtLeastOnce once) {
      return once.payload();
    }
    if (d instanceof ExactlyOnce exactly) {
      return exactly.payload();
    }
    return ((AtMostOnce) d).payload();
  }

  /** The packet id of {@code publish}, absent at QoS 0. */
  public static Optional<Integer> packetId(Publish publish) {
    Delivery d = publish.delivery();
    if (d instanceof AtLeastOnce once) {
      return Optional.of(once.packetId());
    }
    if (d instanceof ExactlyOnce exactly) {
      return Optional.of(exactly.packetId());
    }
    return Optional.empty();
  }

  public static Puback puback(int packetId) {
    return new Puback(0, 0, 0, packetId);
  }

  public static Pubrec pubrec(int packetId) {
    return new Pubrec(0, 0, 0, packetId);
  }

  /** Sent with qos 1 in its header (3.6.1). */
  public static Pubrel pubrel(int packetId) {
    return new Pubrel(0, 1, 0, packetId);
  }

  public static Pubcomp pubcomp(int packetId) {
    return new Pubcomp(0, 0, 0, packetId);
  }

  /** Sent with qos 1 in its header (3.8.1). */
  public static Subscribe subscribe(int packetId, List<Subscription> subscriptions) {
    return new Subscribe(0, 1, 0, checkPacketId(packetId), subscriptions);
  }

  public static Suback suback(int packetId, List<Integer> returnCodes) {
    return new Suback(0, 0, 0, packetId, returnCodes);
  }

  /** Sent with qos 1 in its header (3.10.1). */
  public static Unsubscribe unsubscribe(int packetId, List<String> topicFilters) {
    return new Unsubscribe(0, 1, 0, checkPacketId(packetId), topicFilters);
  }

  public static Unsuback unsuback(int packetId) {
    return new Unsuback(0, 0, 0, packetId);
  }

  public static Pingreq pingreq() {
    return new Pingreq(0, 0, 0);
  }

  public static Pingresp pingresp() {
    return new Pingresp(0, 0, 0);
  }

  public static Disconnect disconnect() {
    return new Disconnect(0, 0, 0);
  }

  /**
   * What is wrong with the fixed header's flags of {@code message} (2.2.2), absent when nothing:
   * PUBREL, SUBSCRIBE and UNSUBSCRIBE carry 0010, every other type but PUBLISH 0000, and a QoS 0
   * PUBLISH has no DUP (3.3.1.1). A receiver closes a connection that breaks this.
   */
  public static Optional<String> flagProblem(MqttMessage message) {
    if (message instanceof Publish publish) {
      return publish.qos() == 0 && publish.dup() == 1
          ? Optional.of("a QoS 0 PUBLISH with DUP set (3.3.1.1)") : Optional.empty();
    }
    int qos = message instanceof Pubrel || message instanceof Subscribe || message instanceof Unsubscribe ? 1 : 0;
    if (message.dup() != 0 || message.qos() != qos || message.retain() != 0) {
      return Optional.of(message.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT)
          + " with header flags " + message.dup() + message.qos() / 2 + message.qos() % 2 + message.retain()
          + ", where 3.1.1 requires " + (qos == 1 ? "0010" : "0000") + " (2.2.2)");
    }
    return Optional.empty();
  }

  private static int checkPacketId(int packetId) {
    if (packetId < 1 || packetId > 0xFFFF) {
      throw new IllegalArgumentException("packet id is " + packetId + ", not 1 to 65535 (2.3.1)");
    }
    return packetId;
  }
}
