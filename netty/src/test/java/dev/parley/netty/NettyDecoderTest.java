package dev.parley.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.examples.kv.Get;
import dev.parley.examples.kv.KvMessage;
import dev.parley.examples.kv.KvProtocol;
import dev.parley.examples.kv.Put;
import dev.parley.netty.Subjects.Subject;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.FrameTooLongException;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import dev.parley.runtime.TruncatedFrameException;
import dev.parley.testing.Property;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The decoder in an {@link EmbeddedChannel}, over every frame layout ({@link Subjects}) and every
 * {@link Chunking}: streams of random messages decode equal; corrupted frames decode to a message
 * that re-encodes to itself or end in {@code exceptionCaught} with a {@link ProtocolException} and
 * a closed channel; and every buffer written in is released. A failure prints its seed;
 * {@code -Dparley.seed=N} replays it. The tests run with Netty's leak detector at paranoid.
 */
@ExtendWith(RecordingLeakDetector.Check.class)
class NettyDecoderTest {

  /** Messages in a stream, and the seed that splits it. */
  private record Case<M>(List<M> messages, long seed) {}

  @TestFactory
  Stream<DynamicTest> streamsOfEveryLayoutDecodeEqualInEveryChunking() {
    return Subjects.all().stream().flatMap(s -> Arrays.stream(Chunking.values())
        .map(c -> DynamicTest.dynamicTest(s + ", " + c, () -> decodesEqual(s, c))));
  }

  private static <M> void decodesEqual(Subject<M> s, Chunking chunking) {
    Property.forAll(s + ", " + chunking, (rnd, size) -> {
      List<M> messages = new ArrayList<>();
      for (int i = 0, n = 1 + rnd.nextInt(6); i < n; i++) {
        messages.add(s.random().generate(rnd, size));
      }
      return new Case<>(messages, rnd.nextLong());
    }).values(40).check(value -> {
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      value.messages().forEach(m -> stream.writeBytes(s.frame().apply(m)));
      Recorder tail = new Recorder();
      EmbeddedChannel channel = channel(s.protocol(), chunking, tail);
      List<ByteBuf> pieces = chunking.split(stream.toByteArray(), new SplittableRandom(value.seed()));
      for (ByteBuf piece : pieces) {
        channel.writeInbound(piece);
      }
      assertEquals(List.of(), tail.errors);
      assertEquals(value.messages(), tail.messages);
      assertFalse(channel.finish());
      assertEquals(List.of(), tail.errors, "a clean end at a frame boundary");
      assertAllReleased(pieces);
    });
  }

  @SuppressWarnings("unchecked")
  private static <M> M cast(Object message) {
    return (M) message;
  }

  @TestFactory
  Stream<DynamicTest> corruptedFramesDecodeToThemselvesOrEndInExceptionCaughtAndAClose() {
    return Subjects.all().stream().flatMap(s -> Stream.of(Chunking.ALL_AT_ONCE, Chunking.RANDOM_POOLED_DIRECT,
        Chunking.COMPOSITE_CUMULATOR).map(c -> DynamicTest.dynamicTest(s + ", " + c, () -> corrupted(s, c))));
  }

  private static <M> void corrupted(Subject<M> s, Chunking chunking) {
    int[] outcomes = new int[2];
    Property.forAll(s + ": corrupted, " + chunking, (rnd, size) -> new Object[] {s.corrupt().generate(rnd, size),
        rnd.nextLong()}).values(300).check(value -> {
      byte[] frame = (byte[]) value[0];
      Recorder tail = new Recorder();
      EmbeddedChannel channel = channel(s.protocol(), chunking, tail);
      List<ByteBuf> pieces = chunking.split(frame, new SplittableRandom((Long) value[1]));
      deliver(channel, pieces);
      channel.finishAndReleaseAll();
      assertAllReleased(pieces);
      if (tail.errors.isEmpty()) {
        for (Object message : tail.messages) {
          M decoded = cast(message);
          assertEquals(decoded, s.protocol().decode(java.nio.ByteBuffer.wrap(body(s.protocol(), s.frame().apply(decoded)))),
              "re-decodes to itself");
        }
        outcomes[0]++;
      } else {
        assertEquals(1, tail.errors.size(), () -> tail.errors.toString());
        assertInstanceOf(ProtocolException.class, tail.errors.get(0));
        if (tail.errors.get(0) instanceof MalformedFrameException malformed) {
          assertTrue(malformed.getMessage().contains(", at offset "), malformed::getMessage);
        }
        assertFalse(channel.isOpen(), "a refused frame closes the channel");
        outcomes[1]++;
      }
    });
    assertTrue(outcomes[1] > 0, "some corrupted frames are refused");
  }

  /** What the protocol decodes of a frame on the wire: the body after a prefix, or the whole frame. */
  private static byte[] body(Protocol<?> protocol, byte[] frame) {
    return Arrays.copyOfRange(frame, protocol.frameFormat().bodyOffset(), frame.length);
  }

  @Test
  void aLengthAboveTheMaximumIsRefusedAsSoonAsItsPrefixArrivesBeforeAnyBodyByte() {
    Recorder tail = new Recorder();
    EmbeddedChannel channel = channel(KvProtocol.INSTANCE, Chunking.ALL_AT_ONCE, tail);
    ByteBuf prefix = Unpooled.wrappedBuffer(new byte[] {0x7F, -1, -1, -1}); // 2 GiB claimed
    channel.writeInbound(prefix);
    FrameTooLongException e = assertInstanceOf(FrameTooLongException.class, tail.errors.get(0));
    assertEquals(0x7FFF_FFFFL, e.length());
    assertEquals("frame length 2147483647 exceeds the maximum of 1048576", e.getMessage());
    assertFalse(channel.isOpen());
    ByteBuf after = Unpooled.wrappedBuffer(new byte[100]);
    channel.pipeline().fireChannelRead(after); // bytes read before the close took effect: discarded
    channel.finishAndReleaseAll();
    assertAllReleased(List.of(prefix, after));
    assertEquals(1, tail.errors.size());
  }

  @Test
  void aBodyThatDoesNotDecodeNamesTheFieldAndTheOffsetAndTheFramesBeforeItAreHandedOn() {
    Recorder tail = new Recorder();
    EmbeddedChannel channel = channel(KvProtocol.INSTANCE, Chunking.ALL_AT_ONCE, tail);
    byte[] good = Subjects.frame(KvProtocol.INSTANCE, new Get("k"));
    byte[] bad = {0, 0, 0, 4, 0, 2, 0, 0}; // Put (u16 type id 2), an empty key, 1 byte of its value's u32 length
    ByteBuf both = Unpooled.wrappedBuffer(concat(good, bad));
    channel.writeInbound(both);
    assertEquals(List.of(new Get("k")), tail.messages);
    MalformedFrameException e = assertInstanceOf(MalformedFrameException.class, tail.errors.get(0));
    assertEquals("Put.value: need 4 bytes, 1 left, at offset 3", e.getMessage());
    assertFalse(channel.isOpen());
    channel.finishAndReleaseAll();
    assertAllReleased(List.of(both));
  }

  @Test
  void theStreamEndingInsideAFrameIsATruncatedFrameAtItsStreamOffset() {
    Recorder tail = new Recorder();
    EmbeddedChannel channel = channel(KvProtocol.INSTANCE, Chunking.ALL_AT_ONCE, tail);
    byte[] put = Subjects.frame(KvProtocol.INSTANCE, new Put("key", Bytes.of(new byte[10])));
    byte[] get = Subjects.frame(KvProtocol.INSTANCE, new Get("k"));
    ByteBuf cut = Unpooled.wrappedBuffer(concat(get, Arrays.copyOf(put, put.length - 3)));
    channel.writeInbound(cut);
    channel.finish();
    assertEquals(List.<KvMessage>of(new Get("k")), tail.messages);
    TruncatedFrameException e = assertInstanceOf(TruncatedFrameException.class, tail.errors.get(0));
    assertEquals(3, e.missing());
    assertEquals(get.length, e.offset());
    assertAllReleased(List.of(cut));
  }

  /**
   * Writes each piece in; once the decoder has closed the channel, hands the rest to the pipeline
   * as bytes read before the close took effect (which the closed channel's pipeline, its handlers
   * gone, queues for {@code finishAndReleaseAll} to release).
   */
  static void deliver(EmbeddedChannel channel, List<ByteBuf> pieces) {
    for (ByteBuf piece : pieces) {
      if (channel.isOpen()) {
        channel.writeInbound(piece);
      } else {
        channel.pipeline().fireChannelRead(piece);
      }
    }
  }

  static EmbeddedChannel channel(Protocol<?> protocol, Chunking chunking, Recorder tail) {
    ParleyDecoder<?> decoder = new ParleyDecoder<>(protocol);
    decoder.setCumulator(chunking.cumulator());
    return new EmbeddedChannel(decoder, tail);
  }

  static void assertAllReleased(List<ByteBuf> buffers) {
    for (ByteBuf buf : buffers) {
      assertEquals(0, buf.refCnt(), () -> "not released: " + buf);
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
