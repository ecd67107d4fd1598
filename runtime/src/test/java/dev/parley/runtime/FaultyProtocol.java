package dev.parley.runtime;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A raw protocol with a broken encoder, for the transports' tests: the message "throw" fails
 * half-way through its encoding, "short" is written one byte shorter than its promised size, and
 * "long" one byte longer.
 */
public final class FaultyProtocol implements Protocol<Bytes> {

  private final RawProtocol raw;

  public FaultyProtocol(RawProtocol raw) {
    this.raw = raw;
  }

  @Override
  public FrameFormat frameFormat() {
    return raw.frameFormat();
  }

  @Override
  public int encodedSize(Bytes message) {
    return message.size();
  }

  @Override
  public void encode(Bytes message, ByteBuffer out) {
    String s = new String(message.toByteArray(), StandardCharsets.UTF_8);
    if (s.equals("throw")) {
      out.put((byte) 't').put((byte) 'h');
      throw new IllegalStateException("encoder failed half-way");
    }
    if (s.equals("long")) {
      message.writeTo(out);
      out.put((byte) '!');
      return;
    }
    if (s.equals("short")) {
      out.put(message.toByteArray(), 0, message.size() - 1);
      return;
    }
    message.writeTo(out);
  }

  @Override
  public Bytes decode(ByteBuffer body) throws ProtocolException {
    return raw.decode(body);
  }
}
