package dev.parley.protocols.mqtt;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.MalformedFrameException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * What CONNECT's payload holds after the client id (MQTT 3.1.1, 3.1.3): the will, the user name
 * and the password, each present only when a flag of {@link ConnectFlags} says so. The schema
 * cannot make a field's presence depend on a bit of an earlier field, so it keeps these bytes raw
 * ({@link Connect#payload()}) and this class reads and writes them: strings as a u16 byte count
 * and UTF-8, the will message and the password as a u16 byte count and bytes, in that order.
 *
 * @param will the message the server publishes if the connection ends without DISCONNECT
 * @param username the user name
 * @param password the password; only with a user name (3.1.2.9)
 */
public record ConnectPayload(Optional<Will> will, Optional<String> username, Optional<Bytes> password) {

  /**
   * A will (3.1.2.5 to 3.1.2.7, 3.1.3.2, 3.1.3.3).
   *
   * @param topic a topic name, without wildcards
   * @param message its payload
   * @param qos 0 to 2
   * @param retain whether the server keeps it as the topic's retained message
   */
  public record Will(String topic, Bytes message, int qos, boolean retain) {
    public Will {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(message, "message");
      if (qos < 0 || qos > 2) {
        throw new IllegalArgumentException("will qos is " + qos + ", not 0, 1 or 2");
      }
      checkLength(utf8(topic).length, "will topic");
      checkLength(message.size(), "will message");
    }
  }

  /** Nothing after the client id: no will, no user name, no password. */
  public static final ConnectPayload NONE = new ConnectPayload(Optional.empty(), Optional.empty(), Optional.empty());

  public ConnectPayload {
    Objects.requireNonNull(will, "will");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (password.isPresent() && username.isEmpty()) {
      throw new IllegalArgumentException("a password needs a user name (MQTT 3.1.1, 3.1.2.9)");
    }
    username.ifPresent(u -> checkLength(utf8(u).length, "username"));
    password.ifPresent(p -> checkLength(p.size(), "password"));
  }

  /**
   * Reads the payload of {@code connect} as its flags say.
   *
   * @throws MalformedFrameException if a flag's field is missing or cut short, a string is not
   *     UTF-8, bytes are left over, or the flags contradict each other (a will QoS or will retain
   *     without a will, a will QoS of 3, a password without a user name)
   */
  public static ConnectPayload read(Connect connect) throws MalformedFrameException {
    ConnectFlags flags = connect.flags();
    if (!flags.will() && (flags.willQos() != 0 || flags.willRetain())) {
      throw malformed("will QoS and will retain must be 0 without a will (3.1.2.6, 3.1.2.7)", 0);
    }
    if (flags.willQos() == 3) {
      throw malformed("will QoS 3 is reserved (3.1.2.6)", 0);
    }
    if (flags.password() && !flags.username()) {
      throw malformed("a password without a user name (3.1.2.9)", 0);
    }
    ByteBuffer in = connect.payload().asReadOnlyBuffer();
    Optional<Will> will = Optional.empty();
    if (flags.will()) {
      String topic = string(in, "will topic");
      Bytes message = bytes(in, "will message");
      will = Optional.of(new Will(topic, message, flags.willQos(), flags.willRetain()));
    }
    Optional<String> username = flags.username() ? Optional.of(string(in, "username")) : Optional.empty();
    Optional<Bytes> password = flags.password() ? Optional.of(bytes(in, "password")) : Optional.empty();
    if (in.hasRemaining()) {
      throw malformed(in.remaining() + " bytes after the fields the flags announce", in.position());
    }
    return new ConnectPayload(will, username, password);
  }

  /** The flags that announce this payload, with {@code cleanSession}. */
  public ConnectFlags flags(boolean cleanSession) {
    return new ConnectFlags(username.isPresent(), password.isPresent(), will.map(Will::retain).orElse(false),
        will.map(Will::qos).orElse(0), will.isPresent(), cleanSession, 0);
  }

  /** The bytes of this payload, as {@link Connect#payload()} holds them. */
  public Bytes toBytes() {
    int size = 0;
    byte[] topic = will.map(w -> utf8(w.topic())).orElse(null);
    byte[] user = username.map(ConnectPayload::utf8).orElse(null);
    size += topic == null ? 0 : 2 + topic.length + 2 + will.get().message().size();
    size += user == null ? 0 : 2 + user.length;
    size += password.map(p -> 2 + p.size()).orElse(0);
    ByteBuffer out = ByteBuffer.allocate(size);
    if (topic != null) {
      out.putShort((short) topic.length).put(topic);
      out.putShort((short) will.get().message().size());
      will.get().message().writeTo(out);
    }
    if (user != null) {
      out.putShort((short) user.length).put(user);
    }
    password.ifPresent(p -> {
      out.putShort((short) p.size());
      p.writeTo(out);
    });
    return Bytes.of(out.array());
  }

  /**
   * A CONNECT of MQTT 3.1.1 (protocol name "MQTT", level 4) with this payload.
   *
   * @param keepAliveSeconds 0 to 65535; 0 turns keep-alive off
   */
  public Connect connect(String clientId, boolean cleanSession, int keepAliveSeconds) {
    return new Connect(0, 0, 0, "MQTT", 4, flags(cleanSession), keepAliveSeconds, clientId, toBytes());
  }

  private static String string(ByteBuffer in, String field) throws MalformedFrameException {
    int at = in.position();
    byte[] raw = bytes(in, field).toByteArray();
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw malformed(field + " is not well-formed UTF-8", at);
    }
  }

  private static Bytes bytes(ByteBuffer in, String field) throws MalformedFrameException {
    if (in.remaining() < 2) {
      throw malformed(field + ": need 2 bytes of length, " + in.remaining() + " left", in.position());
    }
    int at = in.position();
    int length = in.getShort() & 0xFFFF;
    if (length > in.remaining()) {
      throw malformed(field + ": length " + length + " exceeds the " + in.remaining() + " bytes left", at);
    }
    return Bytes.read(in, length);
  }

  private static MalformedFrameException malformed(String problem, int offset) {
    return new MalformedFrameException("Connect.payload", problem, offset);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void checkLength(int length, String field) {
    if (length > 0xFFFF) {
      throw new IllegalArgumentException(field + " takes " + length + " bytes, more than its u16 length allows (65535)");
    }
  }
}
