package dev.parley.protocols.mqtt;

import dev.parley.runtime.CloseReason;
import dev.parley.runtime.Connection;
import dev.parley.runtime.Handler;
import dev.parley.runtime.MalformedFrameException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The broker's side of one client connection, on the event loop's thread: the fixed header's
 * packet type, the record's type, decides what each packet does. Until CONNECT is accepted it
 * has no session; after, {@link #session} is the client id's. A protocol violation closes the
 * connection (4.8), which publishes the will, as any close but the one after DISCONNECT does.
 */
final class BrokerConnection implements Handler<MqttMessage, MqttMessage> {

  private final MqttBroker broker;
  private Connection<MqttMessage, MqttMessage> connection;
  private Session session;
  private Optional<ConnectPayload.Will> will = Optional.empty();
  /** 1.5 times the keep-alive the client asked for (3.1.2.10), or 0 for none. */
  private long silenceNanos;
  private long lastHeard;

  BrokerConnection(MqttBroker broker) {
    this.broker = broker;
  }

  @Override
  public void onOpen(Connection<MqttMessage, MqttMessage> c) {
    connection = c;
  }

  @Override
  public void onMessage(Connection<MqttMessage, MqttMessage> c, MqttMessage message) {
    lastHeard = System.nanoTime();
    if (Packets.flagProblem(message).isPresent()) {
      c.close();
    } else if (session == null) {
      if (message instanceof Connect connect) {
        connect(c, connect);
      } else {
        c.close(); // 3.1.0-1: the first packet from a client is CONNECT
      }
    } else if (message instanceof Publish publish) {
      publish(c, publish);
    } else if (message instanceof Puback ack) {
      session.acknowledged(ack.packetId());
    } else if (message instanceof Pubrel release) {
      session.awaitingRelease.remove(release.packetId());
      c.send(Packets.pubcomp(release.packetId()));
    } else if (message instanceof Subscribe subscribe) {
      subscribe(c, subscribe);
    } else if (message instanceof Unsubscribe unsubscribe) {
      if (unsubscribe.topicFilters().isEmpty()) {
        c.close(); // 3.10.3-2: at least one topic filter
        return;
      }
      unsubscribe.topicFilters().forEach(f -> broker.unsubscribe(session, f));
      c.send(Packets.unsuback(unsubscribe.packetId()));
    } else if (message instanceof Pingreq) {
      c.send(Packets.pingresp());
    } else if (message instanceof Disconnect) {
      will = Optional.empty(); // 3.14.4-3: a clean end discards the will
      c.closeWhenSent();
    } else {
      // A second CONNECT (3.1.0-2), or a packet only a server sends; this broker sends no QoS 2,
      // so PUBREC and PUBCOMP answer nothing it sent.
      c.close();
    }
  }

  private void connect(Connection<MqttMessage, MqttMessage> c, Connect connect) {
    ConnectFlags flags = connect.flags();
    if (!"MQTT".equals(connect.protocolName()) || flags.reserved() != 0) {
      c.close(); // 3.1.2-1, 3.1.2-3
      return;
    }
    if (connect.protocolLevel() != 4) {
      refuse(c, ConnectReturnCode.UNACCEPTABLE_PROTOCOL_VERSION); // 3.1.2-2
      return;
    }
    ConnectPayload payload;
    try {
      payload = ConnectPayload.read(connect);
    } catch (MalformedFrameException e) {
      c.close();
      return;
    }
    if (payload.will().isPresent() && !TopicFilter.isValidTopicName(payload.will().get().topic())) {
      c.close();
      return;
    }
    String clientId = connect.clientId();
    if (clientId.isEmpty()) {
      if (!flags.cleanSession()) {
        refuse(c, ConnectReturnCode.IDENTIFIER_REJECTED); // 3.1.3-8
        return;
      }
      clientId = broker.assignClientId();
    }
    boolean[] resumed = new boolean[1];
    session = broker.openSession(clientId, flags.cleanSession(), this, resumed);
    will = payload.will();
    silenceNanos = connect.keepAlive() * 1_500_000_000L;
    c.send(Packets.connack(resumed[0], ConnectReturnCode.ACCEPTED));
    session.attach(c); // after CONNACK: the unacknowledged messages again, then those queued
  }

  private static void refuse(Connection<MqttMessage, MqttMessage> c, ConnectReturnCode code) {
    c.send(Packets.connack(false, code));
    c.closeWhenSent();
  }

  private void publish(Connection<MqttMessage, MqttMessage> c, Publish publish) {
    if (!TopicFilter.isValidTopicName(publish.topic())) {
      c.close(); // 3.3.2-2: no wildcards in a topic name
      return;
    }
    boolean retain = publish.retain() == 1;
    switch (publish.qos()) {
      case 0 -> broker.publish(publish.topic(), Packets.payload(publish), 0, retain);
      case 1 -> {
        broker.publish(publish.topic(), Packets.payload(publish), 1, retain);
        c.send(Packets.puback(Packets.packetId(publish).orElseThrow()));
      }
      default -> {
        int id = Packets.packetId(publish).orElseThrow();
        if (session.awaitingRelease.add(id)) { // a DUP of one not yet released is not delivered again
          broker.publish(publish.topic(), Packets.payload(publish), 2, retain);
        }
        c.send(Packets.pubrec(id));
      }
    }
  }

  private void subscribe(Connection<MqttMessage, MqttMessage> c, Subscribe subscribe) {
    if (subscribe.subscriptions().isEmpty()) {
      c.close(); // 3.8.3-3: at least one subscription
      return;
    }
    List<Integer> codes = new ArrayList<>(subscribe.subscriptions().size());
    for (Subscription s : subscribe.subscriptions()) {
      if (s.requestedQos() > 2) {
        c.close(); // 3.8.3-4: reserved bits, or QoS 3
        return;
      }
      codes.add(TopicFilter.isValidFilter(s.topicFilter()) ? Math.min(s.requestedQos(), 1) : 0x80);
    }
    c.send(Packets.suback(subscribe.packetId(), codes));
    for (int i = 0; i < codes.size(); i++) {
      if (codes.get(i) != 0x80) {
        broker.subscribe(session, subscribe.subscriptions().get(i).topicFilter(), codes.get(i));
      }
    }
  }

  @Override
  public void onDrained(Connection<MqttMessage, MqttMessage> c) {
    if (session != null && session.isServedBy(c)) {
      session.pump();
    }
  }

  @Override
  public void onClose(Connection<MqttMessage, MqttMessage> c, CloseReason reason, Throwable cause) {
    if (session == null) {
      return;
    }
    if (session.isServedBy(c)) {
      broker.closeSession(session, this);
    } else {
      broker.forget(this); // taken over by a newer connection of the same client id
    }
    will.ifPresent(w -> broker.publish(w.topic(), w.message(), w.qos(), w.retain()));
    will = Optional.empty();
  }

  boolean isSilentAt(long now) {
    return silenceNanos > 0 && now - lastHeard > silenceNanos;
  }

  void closeForSilence() {
    connection.close();
  }
}
