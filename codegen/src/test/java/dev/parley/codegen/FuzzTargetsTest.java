package dev.parley.codegen;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.FrameTooLongException;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of every decoder entry point: the frame reader fed arbitrary
 * chunks, and each test schema's generated {@code Protocol.decode}. In a normal build each target
 * replays its corpus in {@code src/test/resources/dev/parley/codegen/FuzzTargetsTestInputs}
 * (seconds); with {@code JAZZER_FUZZ=1} (the {@code fuzz} profile) it fuzzes. The only exceptions
 * allowed are {@link ProtocolException}s; whatever decodes must re-encode to the same bytes.
 */
class FuzzTargetsTest {

  private static final ClassLoader LOADER = compile();

  private static ClassLoader compile() {
    try {
      return GeneratedCodeTest.compileSchemas(Files.createTempDirectory("parley-fuzz"), List.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Protocol<Object> protocol(String className) {
    try {
      return (Protocol<Object>) LOADER.loadClass(className).getField("INSTANCE").get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final Protocol<Object> EDGES = protocol("codegen.edges.EdgesProtocol");
  private static final Protocol<Object> DEMO = protocol("demo.v1.DemoProtocol");
  private static final Protocol<Object> TINY = protocol("tiny.TinyProtocol");
  private static final Protocol<Object> CLASHES = protocol("codegen.clashes.ClashesProtocol");
  private static final Protocol<Object> EVOLUTION_V1 = protocol("evolution.v1.ProfileProtocol");
  private static final Protocol<Object> EVOLUTION_V2 = protocol("evolution.v2.ProfileProtocol");

  @FuzzTest(maxDuration = "2m")
  void decodeEdges(byte[] body) {
    Canonical.decodeBody(EDGES, body);
  }

  @FuzzTest(maxDuration = "2m")
  void decodeDemo(byte[] body) {
    Canonical.decodeBody(DEMO, body);
  }

  @FuzzTest(maxDuration = "2m")
  void decodeTiny(byte[] body) {
    Canonical.decodeBody(TINY, body);
  }

  @FuzzTest(maxDuration = "2m")
  void decodeClashes(byte[] body) {
    Canonical.decodeBody(CLASHES, body);
  }

  @FuzzTest(maxDuration = "2m")
  void decodeEvolutionV1(byte[] body) {
    Canonical.decodeBody(EVOLUTION_V1, body);
  }

  @FuzzTest(maxDuration = "2m")
  void decodeEvolutionV2(byte[] body) {
    Canonical.decodeBody(EVOLUTION_V2, body);
  }

  /**
   * The frame reader fed arbitrary bytes in arbitrary chunks, with frames decoded as they come:
   * only protocol errors may escape, and the reader never holds more than it was given allows.
   */
  @FuzzTest(maxDuration = "2m")
  void frameReaderChunks(FuzzedDataProvider data) {
    boolean small = data.consumeBoolean();
    FrameFormat format = FrameFormat.builder()
        .lengthSize(small ? 2 : 4)
        .byteOrder(data.consumeBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
        .maxFrameLength(data.consumeInt(1, small ? 65535 : 1 << 20))
        .build();
    FrameReader reader = new FrameReader(format, data.consumeInt(format.lengthSize(), 4096));
    long given = 0;
    try {
      while (data.remainingBytes() > 0) {
        ByteBuffer chunk = ByteBuffer.wrap(data.consumeBytes(data.consumeInt(1, 512)));
        given += chunk.remaining();
        while (chunk.hasRemaining()) {
          reader.feed(chunk);
          for (ByteBuffer body = reader.nextFrame(); body != null; body = reader.nextFrame()) {
            Canonical.decodeBody(EDGES, bytes(body));
          }
          long bound = Math.max(4096, 2 * given + 8);
          if (reader.capacity() > bound) {
            throw new AssertionError("reader holds " + reader.capacity() + " bytes after " + given + " given");
          }
        }
      }
      reader.endOfStream();
    } catch (FrameTooLongException | dev.parley.runtime.TruncatedFrameException expected) {
      // The only ways a stream may be refused.
    } catch (dev.parley.runtime.ProtocolException e) {
      throw new AssertionError("a prefix format's stream refused otherwise than as too long or cut short", e);
    }
  }

  private static byte[] bytes(ByteBuffer body) {
    byte[] out = new byte[body.remaining()];
    body.get(out);
    return out;
  }

}
