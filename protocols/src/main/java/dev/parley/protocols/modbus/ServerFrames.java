package dev.parley.protocols.modbus;

import dev.parley.runtime.Conversation;
import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The frames modbus-server reads and writes: those of the schemas, and also the requests of a
 * function the schema does not declare, which Modbus answers with ILLEGAL FUNCTION where the
 * generated protocol would refuse the frame and the server close the connection. The schema
 * cannot say "any other function code" (a type id names one message), so these two protocols wrap
 * the generated ones and handle the one frame of each direction they do not.
 */
final class ServerFrames {

  private ServerFrames() {}

  /** What the server receives. */
  sealed interface Incoming permits Request, UnsupportedFunction {}

  /** A request of a function the schema declares. */
  record Request(ModbusRequestMessage message) implements Incoming {}

  /** The MBAP header of a request of any other function code; its data is not kept. */
  record UnsupportedFunction(int transactionId, int unitId, int functionCode) implements Incoming {}

  /** What the server sends. */
  sealed interface Outgoing permits Response, IllegalFunction {}

  /** A response the schema declares, exception responses included. */
  record Response(ModbusResponseMessage message) implements Outgoing {}

  /** The exception response ILLEGAL FUNCTION to {@code request}: its function code | 0x80, then 1. */
  record IllegalFunction(UnsupportedFunction request) implements Outgoing {}

  /** The server's side of the conversation. */
  static final Conversation<Incoming, Outgoing> SERVER = Conversation.of(new Requests(), new Responses());

  /** The MBAP header: transaction id, protocol id, length, unit id; then the function code. */
  private static final int HEADER = 7;

  private static final boolean[] DECLARED = new boolean[256];

  static {
    for (int code : new int[] {ReadCoils.TYPE_ID, ReadDiscreteInputs.TYPE_ID, ReadHoldingRegisters.TYPE_ID,
        ReadInputRegisters.TYPE_ID, WriteSingleCoil.TYPE_ID, WriteSingleRegister.TYPE_ID, WriteMultipleCoils.TYPE_ID,
        WriteMultipleRegisters.TYPE_ID}) {
      DECLARED[code] = true;
    }
  }

  /** Writes the MBAP header and {@code functionCode}; the length counts the unit id, the code and {@code data}. */
  private static void header(ByteBuffer out, int transactionId, int unitId, int functionCode, int data) {
    out.putShort((short) transactionId).putShort((short) 0).putShort((short) (2 + data))
        .put((byte) unitId).put((byte) functionCode);
  }

  /**
   * A schema's protocol, and the one frame of its direction that the schema cannot say, which
   * {@link #writeByHand} writes.
   */
  private abstract static class Wrapping<W, M> implements Protocol<W> {
    final Protocol<M> schema;

    Wrapping(Protocol<M> schema) {
      this.schema = schema;
    }

    /** The schema's message that {@code message} holds, or null for the frame written by hand. */
    abstract M schemaMessage(W message);

    /** The size of the frame written by hand. */
    abstract int handSize();

    /** Writes the frame of {@code message} at {@code out}'s position, big-endian. */
    abstract void writeByHand(W message, ByteBuffer out);

    @Override
    public FrameFormat frameFormat() {
      return schema.frameFormat();
    }

    @Override
    public int encodedSize(W message) {
      M inner = schemaMessage(message);
      return inner != null ? schema.encodedSize(inner) : handSize();
    }

    @Override
    public void encode(W message, ByteBuffer out) {
      M inner = schemaMessage(message);
      if (inner != null) {
        schema.encode(inner, out);
      } else {
        ByteBuffer frame = out.duplicate().order(ByteOrder.BIG_ENDIAN);
        writeByHand(message, frame);
        out.position(frame.position());
      }
    }
  }

  static final class Requests extends Wrapping<Incoming, ModbusRequestMessage> {
    Requests() {
      super(ModbusRequestProtocol.INSTANCE);
    }

    @Override
    ModbusRequestMessage schemaMessage(Incoming message) {
      return message instanceof Request r ? r.message() : null;
    }

    @Override
    int handSize() {
      return HEADER + 1;
    }

    @Override
    void writeByHand(Incoming message, ByteBuffer out) {
      UnsupportedFunction u = (UnsupportedFunction) message;
      header(out, u.transactionId(), u.unitId(), u.functionCode(), 0);
    }

    @Override
    public Incoming decode(ByteBuffer frame) throws ProtocolException {
      int at = frame.position();
      if (frame.remaining() <= HEADER || DECLARED[frame.get(at + HEADER) & 0xFF]) {
        return new Request(schema.decode(frame));
      }
      // The generated decoder checks the header first, then refuses the function code: only that
      // refusal makes the frame an unsupported function.
      try {
        schema.decode(frame.duplicate());
      } catch (MalformedFrameException e) {
        if (!e.path().equals("function_code")) {
          throw e;
        }
      }
      ByteBuffer in = frame.duplicate().order(ByteOrder.BIG_ENDIAN);
      frame.position(frame.limit());
      return new UnsupportedFunction(in.getShort(at) & 0xFFFF, in.get(at + 6) & 0xFF, in.get(at + HEADER) & 0xFF);
    }
  }

  static final class Responses extends Wrapping<Outgoing, ModbusResponseMessage> {
    Responses() {
      super(ModbusResponseProtocol.INSTANCE);
    }

    @Override
    ModbusResponseMessage schemaMessage(Outgoing message) {
      return message instanceof Response r ? r.message() : null;
    }

    @Override
    int handSize() {
      return HEADER + 2;
    }

    @Override
    void writeByHand(Outgoing message, ByteBuffer out) {
      UnsupportedFunction u = ((IllegalFunction) message).request();
      header(out, u.transactionId(), u.unitId(), u.functionCode() | 0x80, 1);
      out.put((byte) ModbusResponseConstants.ILLEGAL_FUNCTION);
    }

    @Override
    public Outgoing decode(ByteBuffer frame) throws ProtocolException {
      return new Response(schema.decode(frame));
    }
  }
}
