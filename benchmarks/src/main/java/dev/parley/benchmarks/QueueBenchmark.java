package dev.parley.benchmarks;

import dev.parley.benchmarks.generated.BenchMessage;
import dev.parley.benchmarks.generated.BenchProtocol;
import dev.parley.benchmarks.generated.Tick;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.FrameWriter;
import dev.parley.runtime.internal.DirectBuffers;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
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
 * What it costs to queue one 64-byte frame (a {@link Tick}) for an event loop's socket, layer by
 * layer: written by hand into a direct buffer, the same through the generated encoder, and
 * through a {@link FrameWriter} with a direct queue as the event loop has it. Every 256 KiB the
 * queue is flushed to a channel that takes everything, as a socket that keeps up would.
 * FramingThroughput's 64-byte sender spends this per frame on top of the kernel's copy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class QueueBenchmark {

  private static final int FLUSH_BYTES = 256 * 1024;
  private static final BenchProtocol PARLEY = BenchProtocol.INSTANCE;

  private final Tick tick = new Tick(Bytes.of(new byte[62]));
  private final byte[] payload = new byte[62];
  private final ByteBuffer direct = ByteBuffer.allocateDirect(FLUSH_BYTES + 1024);
  private final WritableByteChannel sink = new WritableByteChannel() {
    @Override
    public int write(ByteBuffer src) {
      int n = src.remaining();
      src.position(src.limit());
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  };
  private FrameWriter<BenchMessage> writer;

  @Setup
  public void setUp() {
    writer = new FrameWriter<>(PARLEY, FrameWriter.DEFAULT_MAX_PENDING, 0, new DirectBuffers(Thread.currentThread()));
  }

  @Benchmark
  public ByteBuffer handWritten() {
    if (direct.position() >= FLUSH_BYTES) {
      direct.clear();
    }
    return direct.putInt(64).putShort((short) Tick.TYPE_ID).put(payload);
  }

  @Benchmark
  public ByteBuffer generatedEncoder() {
    if (direct.position() >= FLUSH_BYTES) {
      direct.clear();
    }
    PARLEY.encode(tick, direct.putInt(PARLEY.encodedSize(tick)));
    return direct;
  }

  @Benchmark
  public boolean frameWriter() throws java.io.IOException {
    if (writer.pending() >= FLUSH_BYTES) {
      writer.flushTo(sink);
    }
    return writer.enqueue(tick);
  }
}
