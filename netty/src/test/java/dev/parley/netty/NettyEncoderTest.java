package dev.parley.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.examples.kv.Get;
import dev.parley.examples.kv.KvProtocol;
import dev.parley.examples.kv.Put;
import dev.parley.netty.Subjects.Subject;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.FrameFormat;
import dev.parley.testing.Property;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The encoder in an {@link EmbeddedChannel}: each message of every layout is one frame, byte for
 * byte what the runtime's writer writes, in one direct buffer of exactly its size; what does not
 * encode fails its write and nothing else.
 */
@ExtendWith(RecordingLeakDetector.Check.class)
class NettyEncoderTest {

  @TestFactory
  Stream<DynamicTest> everyLayoutsMessagesAreTheRuntimesFramesInBuffersOfTheirExactSize() {
    return Subjects.all().stream().map(s -> DynamicTest.dynamicTest(s.toString(), () -> encodes(s)));
  }

  private static <M> void encodes(Subject<M> s) {
    Property.forAll(s + ": encoded", s.random()).values(100).check(message -> {
      EmbeddedChannel channel = new EmbeddedChannel(new ParleyEncoder<>(s.protocol()));
      assertTrue(channel.writeOutbound(message));
      ByteBuf frame = channel.readOutbound();
      try {
        assertArrayEquals(Subjects.frame(s.protocol(), message), ByteBufUtil.getBytes(frame));
        assertEquals(frame.readableBytes(), frame.capacity(), "sized by encodedSize, never grown");
        assertTrue(frame.isDirect(), "an I/O buffer");
      } finally {
        frame.release();
      }
      assertNull(channel.readOutbound());
      channel.finishAndReleaseAll();
    });
  }

  @Test
  void aMessageOfAnotherTypeFailsItsWriteAndTheChannelGoesOn() {
    EmbeddedChannel channel = new EmbeddedChannel(new ParleyEncoder<>(KvProtocol.INSTANCE));
    EncoderException e = assertThrows(EncoderException.class, () -> channel.writeOutbound("not a kv message"));
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertTrue(channel.isOpen());
    assertTrue(channel.writeOutbound(new Get("k")));
    ByteBuf frame = channel.readOutbound();
    frame.release();
    channel.finishAndReleaseAll();
  }

  @Test
  void aFrameLongerThanTheMaximumIsRefusedBeforeABufferIsAllocated() {
    EmbeddedChannel channel = new EmbeddedChannel(new ParleyEncoder<>(KvProtocol.INSTANCE));
    Put huge = new Put("k", Bytes.of(new byte[FrameFormat.DEFAULT_MAX_FRAME_LENGTH]));
    EncoderException e = assertThrows(EncoderException.class, () -> channel.writeOutbound(huge));
    assertTrue(e.getMessage().contains("exceeds the maximum frame length 1048576"), e.getMessage());
    assertNull(channel.readOutbound());
    channel.finishAndReleaseAll();
  }

  @Test
  void bytesWrittenPastTheEncoderGoThroughUntouched() {
    EmbeddedChannel channel = new EmbeddedChannel(new ParleyEncoder<>(KvProtocol.INSTANCE));
    ByteBuf raw = Unpooled.wrappedBuffer(new byte[] {'S'});
    assertTrue(channel.writeOutbound(raw));
    ByteBuf out = channel.readOutbound();
    assertSame(raw, out);
    out.release();
    channel.finishAndReleaseAll();
  }
}
