package dev.parley.benchmarks;

import dev.parley.benchmarks.generated.BenchMessage;
import dev.parley.benchmarks.generated.BenchProtocol;
import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.Protocol;
import java.nio.ByteBuffer;

/**
 * The benchmark protocol with decoding taken out: frames are written as usual, and each frame
 * received is handed to the handler as one shared message without building a record. Measuring a
 * transport with it and with {@link BenchProtocol} separates what the transport costs from what
 * decoding costs.
 */
final class FramesOnly implements Protocol<BenchMessage> {

  private final BenchMessage handedOver;

  FramesOnly(BenchMessage handedOver) {
    this.handedOver = handedOver;
  }

  @Override
  public FrameFormat frameFormat() {
    return BenchProtocol.INSTANCE.frameFormat();
  }

  @Override
  public int encodedSize(BenchMessage message) {
    return BenchProtocol.INSTANCE.encodedSize(message);
  }

  @Override
  public void encode(BenchMessage message, ByteBuffer out) {
    BenchProtocol.INSTANCE.encode(message, out);
  }

  @Override
  public BenchMessage decode(ByteBuffer body) {
    body.position(body.limit());
    return handedOver;
  }
}
