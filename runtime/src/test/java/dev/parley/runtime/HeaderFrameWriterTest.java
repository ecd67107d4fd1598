package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.ObjIntConsumer;
import org.junit.jupiter.api.Test;

/**
 * The frame writer over header formats: the protocol writes the whole frame, and a frame whose
 * size, length or type id disagree is refused with nothing queued.
 */
class HeaderFrameWriterTest {

  private static final HeaderRawProtocol POSTGRES = new HeaderRawProtocol(HeaderLayoutsTest.POSTGRES_TYPED);
  private static final HeaderRawProtocol SSL = new HeaderRawProtocol(HeaderLayoutsTest.POSTGRES_SSL);
  private static final HeaderRawProtocol.Frame QUERY =
      POSTGRES.frame(Map.of("tag", (long) 'Q'), Bytes.fromHex("73656c656374203100"));

  /**
   * {@code honest}, but promising {@code sizeDelta} more bytes than it writes, and changing the
   * frame it wrote (at its first byte) with {@code tamper}.
   */
  private static Protocol<HeaderRawProtocol.Frame> lying(HeaderRawProtocol honest, int sizeDelta,
      ObjIntConsumer<ByteBuffer> tamper) {
    return new Protocol<>() {
      @Override
      public FrameFormat frameFormat() {
        return honest.frameFormat();
      }

      @Override
      public int encodedSize(HeaderRawProtocol.Frame message) {
        return honest.encodedSize(message) + sizeDelta;
      }

      @Override
      public void encode(HeaderRawProtocol.Frame message, ByteBuffer out) {
        int start = out.position();
        honest.encode(message, out);
        tamper.accept(out, start);
      }

      @Override
      public HeaderRawProtocol.Frame decode(ByteBuffer frame) throws ProtocolException {
        return honest.decode(frame);
      }
    };
  }

  private static byte[] written(FrameWriter<?> writer) throws Exception {
    ChunkyChannel channel = new ChunkyChannel(7, 1 << 20);
    assertTrue(writer.flushTo(channel));
    return channel.written();
  }

  @Test
  void theProtocolWritesTheWholeFrameAndTheWriterAddsNothing() throws Exception {
    FrameWriter<HeaderRawProtocol.Frame> writer = new FrameWriter<>(POSTGRES);
    assertTrue(writer.enqueue(QUERY));
    assertEquals(14, writer.pending(), "the frame the protocol sized, header included");
    assertEquals("510000000d73656c65637420310" + "0", Bytes.of(written(writer)).hex());
  }

  @Test
  void aLengthThatDisagreesWithTheSizeIsRefusedWithNothingQueued() throws Exception {
    Protocol<HeaderRawProtocol.Frame> wrongLength = lying(POSTGRES, 0, (out, start) -> {
      if (out.get(start) == 'Q') {
        out.putInt(start + 1, out.getInt(start + 1) - 1);
      }
    });
    FrameWriter<HeaderRawProtocol.Frame> writer = new FrameWriter<>(wrongLength);
    writer.enqueue(POSTGRES.frame(Map.of("tag", (long) 'Z'), Bytes.fromHex("49")));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> writer.enqueue(QUERY));
    assertEquals("the protocol wrote 12 in the length field 'length' of Frame, a frame of 14 bytes, whose length"
        + " is 13; nothing was queued", e.getMessage());
    assertEquals(6, writer.pending(), "only the frame before");
    assertEquals("5a0000000549", Bytes.of(written(writer)).hex(), "its bytes, and nothing of the refused one");
  }

  @Test
  void aProtocolThatWritesAnotherSizeThanItPromisedIsRefused() throws Exception {
    FrameWriter<HeaderRawProtocol.Frame> promisesMore = new FrameWriter<>(lying(POSTGRES, 1, (out, start) -> { }));
    IllegalStateException fewer = assertThrows(IllegalStateException.class, () -> promisesMore.enqueue(QUERY));
    assertEquals("the protocol wrote 14 bytes of Frame after promising 15; nothing was queued", fewer.getMessage());
    assertEquals(0, promisesMore.pending());
    FrameWriter<HeaderRawProtocol.Frame> promisesLess = new FrameWriter<>(lying(POSTGRES, -1, (out, start) -> { }));
    IllegalStateException more = assertThrows(IllegalStateException.class, () -> promisesLess.enqueue(QUERY));
    assertTrue(more.getMessage().startsWith("the protocol wrote more than the 13 bytes it promised"), more.getMessage());
    assertEquals(0, promisesLess.pending());
  }

  @Test
  void withoutALengthTheFrameMustHaveTheFixedSizeOfItsTypeId() throws Exception {
    FrameWriter<HeaderRawProtocol.Frame> writer = new FrameWriter<>(SSL);
    assertTrue(writer.enqueue(SSL.frame(Map.of("answer", (long) 'S'), Bytes.empty())));
    assertEquals("53", Bytes.of(written(writer)).hex());
    FrameWriter<HeaderRawProtocol.Frame> unknown = new FrameWriter<>(SSL);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> unknown.enqueue(SSL.frame(Map.of("answer", (long) 'X'), Bytes.empty())));
    assertEquals("the protocol wrote a frame of 1 bytes of Frame of type id 0x58, which has no fixed size;"
        + " nothing was queued", e.getMessage());
    assertEquals(0, unknown.pending());

    FrameFormat two = FrameFormat.builder().header(java.util.List.of(HeaderField.typeId("t", 1)))
        .fixedFrameSize(1, 1).fixedFrameSize(2, 3).build();
    HeaderRawProtocol sized = new HeaderRawProtocol(two);
    FrameWriter<HeaderRawProtocol.Frame> wrongSize = new FrameWriter<>(sized);
    assertTrue(wrongSize.enqueue(sized.frame(Map.of("t", 2L), Bytes.fromHex("0102"))));
    IllegalStateException size = assertThrows(IllegalStateException.class,
        () -> wrongSize.enqueue(sized.frame(Map.of("t", 2L), Bytes.fromHex("01"))));
    assertEquals("the protocol wrote a frame of 2 bytes of Frame of type id 0x2, whose fixed size is 3;"
        + " nothing was queued", size.getMessage());
    assertEquals("020102", Bytes.of(written(wrongSize)).hex());
  }

  @Test
  void aFrameSmallerThanItsHeaderOrLargerThanTheMaximumIsRefusedBeforeEncoding() {
    FrameWriter<HeaderRawProtocol.Frame> small = new FrameWriter<>(lying(POSTGRES, -10, (out, start) -> { }));
    IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class, () -> small.enqueue(QUERY));
    assertEquals("message of 4 bytes is smaller than the 5-byte frame header: Frame", tooSmall.getMessage());
    HeaderRawProtocol capped = new HeaderRawProtocol(HeaderLayoutsTest.POSTGRES_TYPED.toBuilder().maxFrameLength(13).build());
    FrameWriter<HeaderRawProtocol.Frame> writer = new FrameWriter<>(capped);
    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> writer.enqueue(QUERY));
    assertEquals("message of 14 bytes exceeds the maximum frame length 13: Frame", tooLong.getMessage());
    assertEquals(0, writer.capacity(), "nothing was allocated");
  }

  @Test
  void theQueueMustHoldOneLargestWholeFrame() {
    HeaderRawProtocol capped = new HeaderRawProtocol(HeaderLayoutsTest.POSTGRES_TYPED.toBuilder().maxFrameLength(100).build());
    assertEquals(100, new FrameWriter<>(capped, 100).maxPending(), "the header is in the maximum");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FrameWriter<>(capped, 99));
    assertEquals("maxPending 99 cannot hold one frame of 100 bytes", e.getMessage());
  }

  @Test
  void encodingAHeaderFrameAllocatesNothingOnceTheQueueHasItsBuffer() throws Exception {
    // A protocol that allocates nothing either: a fixed frame, its length written by the format.
    FrameFormat format = HeaderLayoutsTest.MEMCACHED;
    HeaderField bodyLength = format.lengthField().orElseThrow();
    byte[] header = Bytes.fromHex("800000010000000000000000000000010000000000000000").toByteArray();
    Protocol<Object> fixed = new Protocol<>() {
      @Override
      public FrameFormat frameFormat() {
        return format;
      }

      @Override
      public int encodedSize(Object message) {
        return 25;
      }

      @Override
      public void encode(Object message, ByteBuffer out) {
        int start = out.position();
        out.put(header).put((byte) 'k');
        format.writeField(out, start, bodyLength, format.lengthValue(25));
      }

      @Override
      public Object decode(ByteBuffer frame) {
        return frame;
      }
    };
    FrameWriter<Object> writer = new FrameWriter<>(fixed);
    java.nio.channels.WritableByteChannel sink =
        java.nio.channels.Channels.newChannel(java.io.OutputStream.nullOutputStream());
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Object message = new Object();
    long allocated = Long.MAX_VALUE;
    // The first rounds warm up (class loading, the queue's buffer); some round after allocates
    // nothing. (Flushing makes one view of the queue a flush, not a frame: it is not measured.)
    for (int round = 0; round < 20 && allocated > 0; round++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 100; i++) {
        writer.enqueue(message);
      }
      allocated = threads.getCurrentThreadAllocatedBytes() - before;
      writer.flushTo(sink);
    }
    assertEquals(0, allocated, "bytes allocated to encode a round of 100 frames");
  }
}
