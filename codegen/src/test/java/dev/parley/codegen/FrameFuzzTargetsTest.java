package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import dev.parley.spec.SchemaFile;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of the declared frames of {@code valid/frames}, a target per
 * layout: the generated {@code decode} of whole frames, and the frame reader cutting arbitrary
 * chunks under every layout. In a normal build each target replays its corpus (seconds); with
 * {@code JAZZER_FUZZ=1} it fuzzes. Only {@link ProtocolException}s may escape; whatever decodes
 * re-encodes to a frame that decodes to the same message, and to the same bytes when nothing was
 * skipped.
 */
class FrameFuzzTargetsTest {

  private static final List<Protocol<Object>> LAYOUTS = FrameLayoutsTest.SCHEMA.files().stream()
      .map(FrameFuzzTargetsTest::protocol).toList();

  @SuppressWarnings("unchecked")
  private static Protocol<Object> protocol(SchemaFile file) {
    try {
      return (Protocol<Object>) FrameLayoutsTest.LOADER.loadClass(JavaTypes.protocolClass(file).reflectionName())
          .getField("INSTANCE").get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Protocol<Object> layout(String simpleName) {
    return LAYOUTS.stream().filter(p -> p.getClass().getSimpleName().equals(simpleName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(simpleName));
  }

  @FuzzTest(maxDuration = "1m")
  void decodePgBackend(byte[] frame) {
    Canonical.decodeFrame(layout("PgBackendProtocol"), frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodePgFrontend(byte[] frame) {
    Canonical.decodeFrame(layout("PgFrontendProtocol"), frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodePgStartup(byte[] frame) {
    Canonical.decodeFrame(layout("PgStartupProtocol"), frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodePgEncryptionAnswer(byte[] frame) {
    Canonical.decodeFrame(layout("PgEncryptionAnswerProtocol"), frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodeMemcachedRequest(byte[] frame) {
    Canonical.decodeFrame(layout("MemcachedRequestProtocol"), frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodeMemcachedResponse(byte[] frame) {
    Canonical.decodeFrame(layout("MemcachedResponseProtocol"), frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodeDnsTcp(byte[] frame) {
    Canonical.decodeFrame(layout("DnsTcpProtocol"), frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodeMysql(byte[] frame) {
    Canonical.decodeFrame(layout("MysqlProtocol"), frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodeModbusTcp(byte[] frame) {
    Canonical.decodeFrame(layout("ModbusTcpProtocol"), frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodeCassandra(byte[] frame) {
    Canonical.decodeFrame(layout("CassandraProtocol"), frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodeDiameter(byte[] frame) {
    Canonical.decodeFrame(layout("DiameterProtocol"), frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodeKafka(byte[] frame) {
    Canonical.decodeFrame(layout("KafkaProtocol"), frame);
  }

  /**
   * The frame reader under any declared layout, fed arbitrary bytes in arbitrary chunks: only
   * protocol errors escape, every frame it hands out has the size its header gives, and it holds
   * no more than what it was given calls for.
   */
  @FuzzTest(maxDuration = "2m")
  void frameReaderChunksUnderEveryLayout(FuzzedDataProvider data) {
    Protocol<Object> protocol = LAYOUTS.get(data.consumeInt(0, LAYOUTS.size() - 1));
    FrameFormat format = protocol.frameFormat();
    FrameReader reader = new FrameReader(format, data.consumeInt(Math.max(16, format.headerSize()), 4096));
    long given = 0;
    try {
      while (data.remainingBytes() > 0) {
        ByteBuffer chunk = ByteBuffer.wrap(data.consumeBytes(data.consumeInt(1, 512)));
        given += chunk.remaining();
        while (chunk.hasRemaining()) {
          reader.feed(chunk);
          for (ByteBuffer frame = reader.nextFrame(); frame != null; frame = reader.nextFrame()) {
            assertTrue(frame.remaining() >= format.headerSize() && frame.remaining() <= format.maxFrameLength());
            if (format.lengthField().isPresent()) {
              assertEquals(format.lengthValue(frame.remaining()),
                  format.readField(frame, frame.position(), format.lengthField().get()));
            }
            byte[] bytes = new byte[frame.remaining()];
            frame.get(bytes);
            Canonical.decodeFrame(protocol, bytes);
          }
          long bound = Math.max(4096, 2 * given + 8);
          assertTrue(reader.capacity() <= bound, () -> "reader holds " + reader.capacity() + " bytes");
        }
      }
      reader.endOfStream();
    } catch (ProtocolException expected) {
      // Too long, an impossible length, a type id without a size, or cut short: refused.
    }
  }
}
