package dev.parley.protocols.memcached;

import dev.parley.runtime.Conversation;
import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * What {@link MemcachedServer} reads and writes: the generated protocols, and what they cannot
 * say. memcached answers a request whose opcode it does not know with status 0x0081 and that
 * opcode, and one whose lengths do not fit its command (a Get with extras, a Set with 4 bytes of
 * extras) with 0x0004; the generated request protocol refuses both as malformed, and the
 * generated response protocol has no message for an opcode the schema does not declare. So the
 * server reads through {@link #REQUESTS}, which keeps the header of such a frame
 * ({@link Incoming.Refused}), and writes through {@link #RESPONSES}, which writes the
 * unknown-command answer itself. The frame reader cuts such frames by their body length like any
 * other, so the stream stays in step. A frame with another magic still fails, and its connection
 * closes without a reply, as memcached closes it.
 */
final class ServerConversation {

  private ServerConversation() {}

  /** A request as the server reads it. */
  sealed interface Incoming permits Incoming.Command, Incoming.Refused {
    /** A request the generated protocol decoded. */
    record Command(MemcachedRequestMessage request) implements Incoming {}

    /** A frame refused by its header alone: an opcode not known, or lengths that do not fit it. */
    record Refused(int opcode, long opaque, MemcachedStatus status) implements Incoming {}
  }

  /** A response as the server writes it. */
  sealed interface Outgoing permits Outgoing.Response, Outgoing.UnknownCommand {
    record Response(MemcachedResponseMessage response) implements Outgoing {}

    /** The answer to an opcode the schema does not declare. */
    record UnknownCommand(int opcode, long opaque) implements Outgoing {}
  }

  /** The opcodes of the request schema. */
  private static final boolean[] KNOWN = new boolean[256];

  static {
    int[] ids = {Get.TYPE_ID, Set.TYPE_ID, Add.TYPE_ID, Replace.TYPE_ID, Delete.TYPE_ID, Increment.TYPE_ID,
        Decrement.TYPE_ID, Quit.TYPE_ID, GetQ.TYPE_ID, Noop.TYPE_ID, Version.TYPE_ID, GetK.TYPE_ID, GetKQ.TYPE_ID,
        Append.TYPE_ID, Prepend.TYPE_ID, Stat.TYPE_ID, SetQ.TYPE_ID, AddQ.TYPE_ID, ReplaceQ.TYPE_ID,
        DeleteQ.TYPE_ID, IncrementQ.TYPE_ID, DecrementQ.TYPE_ID, QuitQ.TYPE_ID, AppendQ.TYPE_ID, PrependQ.TYPE_ID,
        Touch.TYPE_ID};
    for (int id : ids) {
      KNOWN[id] = true;
    }
  }

  private static final int HEADER = 24;
  private static final byte[] UNKNOWN_TEXT = MemcachedStatus.UNKNOWN_COMMAND.text().getBytes(StandardCharsets.US_ASCII);

  static final Protocol<Incoming> REQUESTS = new Protocol<>() {
    private final MemcachedRequestProtocol generated = MemcachedRequestProtocol.INSTANCE;

    @Override
    public FrameFormat frameFormat() {
      return generated.frameFormat();
    }

    @Override
    public int encodedSize(Incoming message) {
      throw new UnsupportedOperationException("the server only reads requests");
    }

    @Override
    public void encode(Incoming message, ByteBuffer out) {
      throw new UnsupportedOperationException("the server only reads requests");
    }

    @Override
    public Incoming decode(ByteBuffer frame) throws ProtocolException {
      int start = frame.position();
      if (frame.remaining() < HEADER || (frame.get(start) & 0xFF) != 0x80) {
        return new Incoming.Command(generated.decode(frame)); // throws: not a request frame
      }
      int opcode = frame.get(start + 1) & 0xFF;
      long opaque = 0;
      for (int i = 12; i < 16; i++) {
        opaque = opaque << 8 | (frame.get(start + i) & 0xFF);
      }
      if (!KNOWN[opcode]) {
        return new Incoming.Refused(opcode, opaque, MemcachedStatus.UNKNOWN_COMMAND);
      }
      try {
        return new Incoming.Command(generated.decode(frame));
      } catch (MalformedFrameException e) {
        return new Incoming.Refused(opcode, opaque, MemcachedStatus.INVALID_ARGUMENTS);
      }
    }
  };

  static final Protocol<Outgoing> RESPONSES = new Protocol<>() {
    private final MemcachedResponseProtocol generated = MemcachedResponseProtocol.INSTANCE;

    @Override
    public FrameFormat frameFormat() {
      return generated.frameFormat();
    }

    @Override
    public int encodedSize(Outgoing message) {
      if (message instanceof Outgoing.Response r) {
        return generated.encodedSize(r.response());
      }
      return HEADER + UNKNOWN_TEXT.length;
    }

    @Override
    public void encode(Outgoing message, ByteBuffer out) {
      if (message instanceof Outgoing.Response r) {
        generated.encode(r.response(), out);
        return;
      }
      Outgoing.UnknownCommand unknown = (Outgoing.UnknownCommand) message; // the sealed interface's other case
      ByteOrder order = out.order();
      out.order(ByteOrder.BIG_ENDIAN)
          .put((byte) 0x81).put((byte) unknown.opcode()).putShort((short) 0).put((byte) 0).put((byte) 0)
          .putShort((short) MemcachedStatus.UNKNOWN_COMMAND.code()).putInt(UNKNOWN_TEXT.length)
          .putInt((int) unknown.opaque()).putLong(0).put(UNKNOWN_TEXT)
          .order(order);
    }

    @Override
    public Outgoing decode(ByteBuffer frame) throws ProtocolException {
      return new Outgoing.Response(generated.decode(frame));
    }
  };

  /** The server's side: requests in, responses out. */
  static final Conversation<Incoming, Outgoing> SERVER = Conversation.of(REQUESTS, RESPONSES);
}
