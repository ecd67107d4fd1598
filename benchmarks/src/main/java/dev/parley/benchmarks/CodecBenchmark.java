package dev.parley.benchmarks;

import dev.parley.benchmarks.generated.BenchMessage;
import dev.parley.benchmarks.generated.BenchProtocol;
import dev.parley.benchmarks.generated.Blob;
import dev.parley.benchmarks.generated.Chat;
import dev.parley.benchmarks.generated.Fill;
import dev.parley.benchmarks.generated.Order;
import dev.parley.benchmarks.generated.Side;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.ProtocolException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parley's generated codecs against a hand-written ByteBuffer codec of the same Order (the floor
 * for an object model): encode a prebuilt record into a reused buffer, and decode a frame body
 * into a new record. Run with {@code -prof gc} to see bytes allocated per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

  private final ByteBuffer buffer = ByteBuffer.allocate(8192);
  private Order order;
  private Chat chat;
  private Blob blob;
  private ByteBuffer orderBody;
  private ByteBuffer chatBody;
  private ByteBuffer blobBody;
  private ByteBuffer handOrderBody;

  @Setup
  public void setUp() {
    order = new Order(1234567890123L, 42L, 1_500_000L, 100L, Side.BUY, 1_700_000_000_000_000_000L, "AAPL",
        List.of(new Fill(1_499_900L, 30L), new Fill(1_500_000L, 50L), new Fill(1_500_100L, 20L)));
    chat = new Chat(7L, 99L, "x".repeat(200));
    blob = new Blob(1L, Bytes.of(new byte[4096]));
    orderBody = body(order);
    chatBody = body(chat);
    blobBody = body(blob);
    handOrderBody = ByteBuffer.allocate(256);
    HandWrittenOrder.encode(HandWrittenOrder.from(order), handOrderBody);
    handOrderBody.flip();
    if (!handOrderBody.equals(orderBody.duplicate())) {
      throw new IllegalStateException("the hand-written codec must write the same bytes as Parley");
    }
  }

  private static ByteBuffer body(BenchMessage message) {
    ByteBuffer body = ByteBuffer.allocate(BenchProtocol.INSTANCE.encodedSize(message));
    BenchProtocol.INSTANCE.encode(message, body);
    return body.flip();
  }

  @Benchmark
  public ByteBuffer encodeOrder() {
    buffer.clear();
    BenchProtocol.INSTANCE.encode(order, buffer);
    return buffer;
  }

  @Benchmark
  public BenchMessage decodeOrder() throws ProtocolException {
    return BenchProtocol.INSTANCE.decode(orderBody.clear());
  }

  @Benchmark
  public int sizeOrder() {
    return BenchProtocol.INSTANCE.encodedSize(order);
  }

  @Benchmark
  public ByteBuffer encodeChat() {
    buffer.clear();
    BenchProtocol.INSTANCE.encode(chat, buffer);
    return buffer;
  }

  @Benchmark
  public BenchMessage decodeChat() throws ProtocolException {
    return BenchProtocol.INSTANCE.decode(chatBody.clear());
  }

  @Benchmark
  public ByteBuffer encodeBlob() {
    buffer.clear();
    BenchProtocol.INSTANCE.encode(blob, buffer);
    return buffer;
  }

  @Benchmark
  public BenchMessage decodeBlob() throws ProtocolException {
    return BenchProtocol.INSTANCE.decode(blobBody.clear());
  }

  @Benchmark
  public ByteBuffer encodeOrderHandWritten(HandState state) {
    buffer.clear();
    HandWrittenOrder.encode(state.order, buffer);
    return buffer;
  }

  @Benchmark
  public HandWrittenOrder decodeOrderHandWritten() {
    return HandWrittenOrder.decode(handOrderBody.clear());
  }

  /** The hand-written record, prebuilt. */
  @State(Scope.Thread)
  public static class HandState {
    HandWrittenOrder order;

    @Setup
    public void setUp() {
      order = new HandWrittenOrder(1234567890123L, 42L, 1_500_000L, 100L, (byte) 1, 1_700_000_000_000_000_000L,
          "AAPL", List.of(new HandWrittenOrder.Fill(1_499_900L, 30L), new HandWrittenOrder.Fill(1_500_000L, 50L),
              new HandWrittenOrder.Fill(1_500_100L, 20L)));
    }
  }
}
