package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pieces a transport that owns its buffers (Netty's) cuts and writes frames with:
 * {@link FrameFormat#frameSize} gives what the {@link FrameReader} would cut, with its checks, and
 * {@link FrameWriter#writeFrame} writes what {@link FrameWriter#enqueue} would queue, anywhere in
 * a buffer of the caller's, of either byte order.
 */
class OwnBuffersTest {

  private static final HeaderRawProtocol POSTGRES = new HeaderRawProtocol(HeaderLayoutsTest.POSTGRES_TYPED);

  @Test
  void frameSizeOfThePrefixFormatIsThePrefixAndTheBodyOnceThePrefixIsThere() throws Exception {
    FrameFormat u16 = FrameFormat.builder().lengthSize(2).maxFrameLength(65535).byteOrder(ByteOrder.LITTLE_ENDIAN).build();
    ByteBuffer bytes = ByteBuffer.wrap(new byte[] {9, 9, 5, 0, 1, 2}); // a frame at 2: length 5, little-endian
    assertEquals(-1, u16.frameSize(bytes, 2, 3, 0));
    assertEquals(7, u16.frameSize(bytes, 2, 4, 0));
    assertEquals(0, bytes.position(), "absolute reads");
  }

  @Test
  void frameSizeRefusesALengthAboveTheMaximumAtItsStreamOffset() {
    FrameFormat small = FrameFormat.builder().maxFrameLength(16).build();
    ByteBuffer bytes = ByteBuffer.wrap(new byte[] {0, 0, 0, 17});
    FrameTooLongException e = assertThrows(FrameTooLongException.class, () -> small.frameSize(bytes, 0, 4, 100));
    assertEquals(17, e.length(), "the body's length, as the reader reports it");
    assertEquals(100, e.offset());
  }

  @Test
  void frameSizeOfAHeaderFormatIsTheWholeFrameAndRefusesWhatTheReaderRefuses() throws Exception {
    FrameFormat format = HeaderLayoutsTest.POSTGRES_TYPED; // u8 tag, i32 length counts itself and following
    assertEquals(-1, format.frameSize(ByteBuffer.wrap(new byte[] {'Q', 0, 0, 0}), 0, 4, 0));
    assertEquals(9, format.frameSize(ByteBuffer.wrap(new byte[] {'Q', 0, 0, 0, 8}), 0, 5, 0));
    MalformedFrameException negative = assertThrows(MalformedFrameException.class,
        () -> format.frameSize(ByteBuffer.wrap(new byte[] {'Q', -1, -1, -1, -5}), 0, 5, 10));
    assertEquals("length: negative length -5, at offset 11", negative.getMessage());
  }

  @Test
  void writeFrameWritesWhatEnqueueQueuesAtAnyPositionOfEitherOrder() throws Exception {
    RawProtocol raw = new RawProtocol(FrameFormat.builder().lengthSize(2).maxFrameLength(65535).byteOrder(ByteOrder.LITTLE_ENDIAN).build());
    FrameWriter<Bytes> writer = new FrameWriter<>(raw);
    Bytes body = Bytes.fromHex("0102030405");
    int size = writer.frameSize(body);
    assertEquals(7, size);
    ByteBuffer out = ByteBuffer.allocateDirect(16).order(ByteOrder.BIG_ENDIAN);
    out.position(3);
    writer.writeFrame(body, size, out);
    assertEquals(10, out.position());
    assertEquals(ByteOrder.BIG_ENDIAN, out.order(), "the caller's order is left as it was");
    byte[] written = new byte[7];
    out.position(3).get(written);
    FrameWriter<Bytes> queue = new FrameWriter<>(raw);
    queue.enqueue(body);
    ChunkyChannel channel = new ChunkyChannel(3, 1 << 10);
    queue.flushTo(channel);
    assertArrayEquals(channel.written(), written);
  }

  @Test
  void writeFrameChecksTheSizeAndLeavesThePositionOnFailure() {
    FrameWriter<HeaderRawProtocol.Frame> writer = new FrameWriter<>(POSTGRES);
    HeaderRawProtocol.Frame query = POSTGRES.frame(Map.of("tag", (long) 'Q'), Bytes.fromHex("00"));
    int size = writer.frameSize(query);
    assertEquals(6, size);
    assertThrows(BufferOverflowException.class, () -> writer.writeFrame(query, size, ByteBuffer.allocate(5)));
    ByteBuffer out = ByteBuffer.allocate(16).position(2);
    // A frame size that is not the one the protocol writes: a length field that disagrees with it.
    assertThrows(IllegalStateException.class, () -> writer.writeFrame(query, size + 1, out));
    assertEquals(2, out.position());
    assertThrows(IllegalArgumentException.class, () -> writer.frameSize(
        POSTGRES.frame(Map.of("tag", (long) 'Q'), Bytes.of(new byte[FrameFormat.DEFAULT_MAX_FRAME_LENGTH]))));
  }
}
