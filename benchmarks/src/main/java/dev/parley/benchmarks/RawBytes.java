package dev.parley.benchmarks;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.Protocol;
import java.nio.ByteBuffer;

/**
 * The least a protocol can be: a message is its frame body's bytes, under the default frame
 * format (a big-endian u32 length prefix, bodies of 1 MiB at most). Servers measured with it hold
 * what the runtime holds and nothing a schema adds.
 */
final class RawBytes implements Protocol<Bytes> {

  static final RawBytes INSTANCE = new RawBytes();

  private static final FrameFormat FORMAT = FrameFormat.defaults();

  private RawBytes() {}

  @Override
  public FrameFormat frameFormat() {
    return FORMAT;
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
  public Bytes decode(ByteBuffer body) {
    return Bytes.read(body, body.remaining());
  }
}
