package dev.parley.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.netty.Subjects.Subject;
import dev.parley.runtime.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coverage-guided fuzzing (Jazzer) of the Netty decoder: the input picks a protocol (one of each
 * frame layout, {@link Subjects}), a chunking and its seed, and the rest is the stream. Only a
 * {@link ProtocolException} may reach {@code exceptionCaught}, once; whatever decodes re-encodes
 * to a frame that decodes to the same message; every buffer is released. In a normal build it
 * replays its corpus ({@code NettyDecoderFuzzTestInputs}); with {@code JAZZER_FUZZ=1} (the
 * {@code fuzz} profile) it fuzzes.
 */
@ExtendWith(RecordingLeakDetector.Check.class)
class NettyDecoderFuzzTest {

  private static final List<Subject<?>> SUBJECTS = Subjects.all();
  private static final Chunking[] CHUNKINGS = Chunking.values();

  @FuzzTest(maxDuration = "2m")
  void decodeStream(FuzzedDataProvider data) throws Exception {
    Subject<?> subject = SUBJECTS.get(data.consumeInt(0, SUBJECTS.size() - 1));
    Chunking chunking = CHUNKINGS[data.consumeInt(0, CHUNKINGS.length - 1)];
    long seed = data.consumeLong();
    decode(subject, chunking, seed, data.consumeRemainingAsBytes());
  }

  private static <M> void decode(Subject<M> s, Chunking chunking, long seed, byte[] stream) throws Exception {
    Recorder tail = new Recorder();
    EmbeddedChannel channel = NettyDecoderTest.channel(s.protocol(), chunking, tail);
    List<ByteBuf> pieces = chunking.split(stream, new SplittableRandom(seed));
    NettyDecoderTest.deliver(channel, pieces);
    channel.finishAndReleaseAll();
    NettyDecoderTest.assertAllReleased(pieces);
    assertTrue(tail.errors.size() <= 1, tail.errors::toString);
    if (!tail.errors.isEmpty()) {
      assertInstanceOf(ProtocolException.class, tail.errors.get(0));
    }
    for (Object message : tail.messages) {
      @SuppressWarnings("unchecked")
      M decoded = (M) message;
      byte[] frame = s.frame().apply(decoded);
      byte[] body = Arrays.copyOfRange(frame, s.protocol().frameFormat().bodyOffset(), frame.length);
      assertEquals(decoded, s.protocol().decode(ByteBuffer.wrap(body)), "re-encoded, decodes to itself");
    }
  }
}
