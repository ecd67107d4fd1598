package dev.parley.benchmarks;

import dev.parley.benchmarks.generated.BenchProtocol;
import dev.parley.benchmarks.generated.pg.BenchPgProtocol;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.FrameWriter;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a declared frame costs next to Parley's own: the same bodies (the codec benchmarks' Order,
 * Chat or Blob, the same field values) as a stream of {@value #FRAMES} frames, once in Parley's
 * frame ({@code bench.parley}: a u32 length prefix, then a u16 type id in the body) and once in
 * PostgreSQL's ({@code bench_pg.parley}: a u8 tag, then an i32 length that counts itself and the
 * body). The stream is fed to a {@link FrameReader} in chunks of {@value #CHUNK} bytes, as reads
 * from a socket would bring it (each {@code feed} takes what the reader's buffer has room for,
 * the same for both layouts); every frame is cut with {@code nextFrame()} and decoded with the
 * protocol's {@code decode} ({@code Decode}), or only cut ({@code Cut}), which separates the
 * reader's header path from the generated decoder. Scores are ns per frame.
 *
 * <p>Benchmarks are named {@code <layout><Operation>}: {@code parley} for Parley's own frame,
 * {@code postgres} for the declared one. {@link #setUp} checks that both streams hold
 * {@value #FRAMES} frames that decode to the same values.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HeaderFramingBenchmark {

  /** Frames in each stream; every invocation cuts all of them. */
  static final int FRAMES = 1024;
  /** The bytes fed to the reader at a time: one socket read's worth. */
  static final int CHUNK = 64 * 1024;

  @Param({"order", "chat", "blob"})
  public String message;

  private Layout parley;
  private Layout postgres;

  /** One layout's stream, cut into chunks, and the reader it is fed to, reused across invocations. */
  private static final class Layout {
    final Protocol<?> protocol;
    final FrameReader reader;
    final ByteBuffer[] chunks;
    final int streamSize;

    <M> Layout(Protocol<M> protocol, M body) throws IOException {
      this.protocol = protocol;
      this.reader = new FrameReader(protocol.frameFormat());
      byte[] stream = stream(protocol, body);
      this.streamSize = stream.length;
      List<ByteBuffer> slices = new ArrayList<>();
      for (int at = 0; at < stream.length; at += CHUNK) {
        slices.add(ByteBuffer.wrap(stream, at, Math.min(CHUNK, stream.length - at)).slice());
      }
      this.chunks = slices.toArray(new ByteBuffer[0]);
    }

    /** {@value #FRAMES} frames of {@code body}, written by a {@link FrameWriter} as a sender would. */
    private static <M> byte[] stream(Protocol<M> protocol, M body) throws IOException {
      FrameWriter<M> writer = new FrameWriter<>(protocol);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 0; i < FRAMES; i++) {
        if (!writer.enqueue(body)) {
          writer.flushTo(out);
          check(writer.enqueue(body), "a frame must fit an empty writer");
        }
      }
      writer.flushTo(out);
      return out.toByteArray();
    }

    /** Feeds every chunk, cutting each frame as soon as it is complete; decodes it if asked. */
    int run(boolean decode, Blackhole blackhole) throws ProtocolException {
      int frames = 0;
      for (ByteBuffer chunk : chunks) {
        chunk.clear();
        while (chunk.hasRemaining()) {
          reader.feed(chunk);
          ByteBuffer frame;
          while ((frame = reader.nextFrame()) != null) {
            if (decode) {
              blackhole.consume(protocol.decode(frame));
            } else {
              blackhole.consume(frame.remaining());
            }
            frames++;
          }
        }
      }
      return frames;
    }
  }

  @Setup
  public void setUp() throws Exception {
    switch (message) {
      case "order" -> {
        parley = new Layout(BenchProtocol.INSTANCE, CodecBenchmark.parley(Model.ORDER));
        postgres = new Layout(BenchPgProtocol.INSTANCE, postgres(Model.ORDER));
      }
      case "chat" -> {
        parley = new Layout(BenchProtocol.INSTANCE, CodecBenchmark.parley(Model.CHAT));
        postgres = new Layout(BenchPgProtocol.INSTANCE, postgres(Model.CHAT));
      }
      case "blob" -> {
        parley = new Layout(BenchProtocol.INSTANCE, CodecBenchmark.parley(Model.BLOB));
        postgres = new Layout(BenchPgProtocol.INSTANCE, postgres(Model.BLOB));
      }
      default -> throw new IllegalArgumentException("no message " + message);
    }
    // Parley's frame is 4 + 2 bytes before the fields, PostgreSQL's 1 + 4: one byte less a frame.
    check(parley.streamSize - postgres.streamSize == FRAMES, "PostgreSQL's frames must be one byte shorter");
    List<Object> fromParley = decodeAll(parley);
    List<Object> fromPostgres = decodeAll(postgres);
    check(fromParley.size() == FRAMES && fromPostgres.size() == FRAMES, "each stream must hold " + FRAMES + " frames");
    for (int i = 0; i < FRAMES; i++) {
      check(sameValues(fromParley.get(i), fromPostgres.get(i)), "frame " + i + " must decode to the same values");
    }
  }

  @Benchmark
  @OperationsPerInvocation(FRAMES)
  public int parleyDecode(Blackhole blackhole) throws ProtocolException {
    return parley.run(true, blackhole);
  }

  @Benchmark
  @OperationsPerInvocation(FRAMES)
  public int postgresDecode(Blackhole blackhole) throws ProtocolException {
    return postgres.run(true, blackhole);
  }

  @Benchmark
  @OperationsPerInvocation(FRAMES)
  public int parleyCut(Blackhole blackhole) throws ProtocolException {
    return parley.run(false, blackhole);
  }

  @Benchmark
  @OperationsPerInvocation(FRAMES)
  public int postgresCut(Blackhole blackhole) throws ProtocolException {
    return postgres.run(false, blackhole);
  }

  // ---- the same values in bench_pg.parley's records

  static dev.parley.benchmarks.generated.pg.Order postgres(Model.Order order) {
    return new dev.parley.benchmarks.generated.pg.Order(order.orderId(), order.accountId(), order.price(),
        order.quantity(), dev.parley.benchmarks.generated.pg.Side.fromValue(order.side()), order.timestampNanos(),
        order.symbol(), order.fills().stream()
            .map(fill -> new dev.parley.benchmarks.generated.pg.Fill(fill.price(), fill.qty())).toList());
  }

  static dev.parley.benchmarks.generated.pg.Chat postgres(Model.Chat chat) {
    return new dev.parley.benchmarks.generated.pg.Chat(chat.roomId(), chat.senderId(), chat.text());
  }

  static dev.parley.benchmarks.generated.pg.Blob postgres(Model.Blob blob) {
    return new dev.parley.benchmarks.generated.pg.Blob(blob.id(), dev.parley.runtime.Bytes.of(blob.payload()));
  }

  /** Every frame of the layout's stream, decoded, through the same path the benchmark takes. */
  private static List<Object> decodeAll(Layout layout) throws ProtocolException {
    List<Object> decoded = new ArrayList<>();
    for (ByteBuffer chunk : layout.chunks) {
      chunk.clear();
      while (chunk.hasRemaining()) {
        layout.reader.feed(chunk);
        ByteBuffer frame;
        while ((frame = layout.reader.nextFrame()) != null) {
          decoded.add(layout.protocol.decode(frame));
        }
      }
    }
    check(layout.reader.buffered() == 0, "the stream must end at a frame boundary");
    return decoded;
  }

  /**
   * Whether two values of the two schemas' types hold the same: records of the same simple name
   * component by component, enums by name, lists element by element, anything else by equals.
   */
  private static boolean sameValues(Object a, Object b) throws ReflectiveOperationException {
    if (a instanceof Record && b instanceof Record) {
      if (!a.getClass().getSimpleName().equals(b.getClass().getSimpleName())) {
        return false;
      }
      RecordComponent[] as = a.getClass().getRecordComponents();
      RecordComponent[] bs = b.getClass().getRecordComponents();
      if (as.length != bs.length) {
        return false;
      }
      for (int i = 0; i < as.length; i++) {
        if (!as[i].getName().equals(bs[i].getName())
            || !sameValues(as[i].getAccessor().invoke(a), bs[i].getAccessor().invoke(b))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Enum<?> x && b instanceof Enum<?> y) {
      return x.name().equals(y.name());
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!sameValues(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("benchmark set-up failed: " + what);
    }
  }
}
