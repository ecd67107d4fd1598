package dev.parley.runtime;

import java.nio.ByteBuffer;

/** A hand-written protocol for runtime tests: a message is its body's raw bytes. */
public final class RawProtocol implements Protocol<Bytes> {

  private final FrameFormat format;

  public RawProtocol(FrameFormat format) {
    this.format = format;
  }

  public static RawProtocol u32(int maxFrameLength) {
    return new RawProtocol(FrameFormat.builder().maxFrameLength(maxFrameLength).build());
  }

  @Override
  public FrameFormat frameFormat() {
    return format;
  }

  @Override
  public int encodedSize(Bytes message) {
    return message.size();
  }

  @Override
  public void encode(Bytes message, ByteBuffer out) {
    message.writeTo(out);
  }

  @Override
  public Bytes decode(ByteBuffer body) throws ProtocolException {
    if (body.remaining() > 0 && body.get(body.position()) == (byte) 0xEE) {
      throw new MalformedFrameException("", "bodies starting with 0xEE are malformed in tests", 0);
    }
    return Bytes.read(body, body.remaining());
  }
}
