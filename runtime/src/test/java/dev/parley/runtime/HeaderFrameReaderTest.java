package dev.parley.runtime;

import static dev.parley.runtime.HeaderField.constant;
import static dev.parley.runtime.HeaderField.field;
import static dev.parley.runtime.HeaderField.length;
import static dev.parley.runtime.HeaderField.typeId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The frame reader over header formats: whole frames handed out, and every impossible header
 * refused, with the field and its offset, before anything is allocated for the frame.
 */
class HeaderFrameReaderTest {

  /** PostgreSQL's typed messages: a u8 tag, then an i32 length counting itself and what follows. */
  static final FrameFormat POSTGRES = FrameFormat.builder()
      .header(List.of(typeId("tag", 1), length("length", 4, LengthCounts.ITSELF_AND_FOLLOWING).signed()))
      .build();
  /** Modbus TCP: the length counts what follows it, of which 2 bytes are still header. */
  static final FrameFormat MODBUS = FrameFormat.builder()
      .header(List.of(field("transaction_id", 2), constant("protocol_id", 2, 0), length("length", 2, LengthCounts.FOLLOWING),
          field("unit_id", 1), typeId("function_code", 1)))
      .build();
  /** PostgreSQL's answer to an SSL request: one byte, no length. */
  static final FrameFormat SSL = FrameFormat.builder().header(List.of(typeId("answer", 1)))
      .fixedFrameSize('N', 1).fixedFrameSize('S', 1).fixedFrameSize('G', 1).build();

  private static ByteBuffer hex(String hex) {
    return ByteBuffer.wrap(Bytes.fromHex(hex.replace(" ", "")).toByteArray());
  }

  private static Bytes bytes(ByteBuffer view) {
    return Bytes.read(view.duplicate(), view.remaining());
  }

  private static void feedAll(FrameReader reader, ByteBuffer chunk) throws ProtocolException {
    for (int i = 0; chunk.hasRemaining(); i++) {
      assertTrue(reader.feed(chunk) > 0 && i < 1000, "the reader takes bytes while no complete frame waits");
    }
  }

  @Test
  void handsOutWholeFramesHeaderIncluded() throws Exception {
    FrameReader reader = new FrameReader(POSTGRES, 16);
    feedAll(reader, hex("52 00000008 00000000  5a 00000005 49"));
    ByteBuffer first = reader.nextFrame();
    assertEquals("520000000800000000", bytes(first).hex());
    assertEquals(0, first.position(), "the view starts at the frame's first header byte");
    assertEquals(9, reader.consumed());
    ByteBuffer peeked = reader.peekFrame();
    assertEquals("5a0000000549", bytes(peeked).hex());
    assertSame(peeked, reader.nextFrame(), "one view object");
    assertEquals(15, reader.consumed());
    assertNull(reader.nextFrame());
    reader.endOfStream();
  }

  @Test
  void aNegativeLengthIsRefusedNamingTheFieldBeforeAnythingIsAllocated() throws Exception {
    FrameReader reader = new FrameReader(POSTGRES);
    feedAll(reader, hex("52 00000008 00000000"));
    reader.nextFrame();
    MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> reader.feed(hex("51 fffffffb 0000")));
    assertEquals("length", e.path());
    assertEquals("negative length -5", e.problem());
    assertEquals(10, e.offset(), "the stream offset of the length field");
    assertEquals("length: negative length -5, at offset 10", e.getMessage());
    assertEquals(FrameReader.MIN_BUFFER_SIZE, reader.capacity());
    assertThrows(MalformedFrameException.class, reader::peekFrame, "refused again until skipped");
    assertThrows(MalformedFrameException.class, reader::nextFrame);
    reader.skip(5);
    assertEquals(14, reader.consumed());
  }

  @Test
  void aLengthThatWouldEndTheFrameInsideItsHeaderIsRefused() throws Exception {
    FrameReader postgres = new FrameReader(POSTGRES, 64);
    MalformedFrameException itself = assertThrows(MalformedFrameException.class,
        () -> postgres.feed(hex("52 00000002")));
    assertEquals("length 2 is smaller than the 4 bytes of the length itself", itself.problem());
    assertEquals(1, itself.offset());
    assertEquals(64, postgres.capacity(), "the read buffer and nothing more");
    FrameReader empty = new FrameReader(POSTGRES, 64);
    feedAll(empty, hex("52 00000004"));
    assertEquals("5200000004", bytes(empty.nextFrame()).hex(), "a length of 4 is a frame of its header alone");

    FrameReader modbus = new FrameReader(MODBUS, 64);
    MalformedFrameException inside = assertThrows(MalformedFrameException.class,
        () -> modbus.feed(hex("0001 0000 0001 01")));
    assertEquals("length", inside.path());
    assertEquals("length 1 would end the frame inside its 8-byte header", inside.problem());
    assertEquals(4, inside.offset());
    FrameReader least = new FrameReader(MODBUS, 64);
    feedAll(least, hex("0001 0000 0002 01 03"));
    assertEquals(8, least.nextFrame().remaining(), "a length of 2 ends the frame with its header");
  }

  @Test
  void aFrameAboveTheMaximumIsRefusedWithItsWholeSize() throws Exception {
    FrameFormat format = POSTGRES.toBuilder().maxFrameLength(100).build();
    FrameReader reader = new FrameReader(format, 16);
    feedAll(reader, hex("52 00000063" + "00".repeat(95)));
    assertEquals(100, reader.nextFrame().remaining(), "a whole frame of the maximum is accepted");
    FrameTooLongException e = assertThrows(FrameTooLongException.class, () -> reader.feed(hex("52 00000064")));
    assertEquals(101, e.length(), "the whole frame, tag included");
    assertEquals(100, e.maxFrameLength());
    assertEquals(100, e.offset(), "the frame's stream offset");
    assertEquals("frame length 101 exceeds the maximum of 100", e.getMessage());
    assertTrue(reader.capacity() <= 128, "nothing was allocated for it: " + reader.capacity());
    FrameReader huge = new FrameReader(format, 16);
    assertEquals(0x8000_0000L, assertThrows(FrameTooLongException.class, () -> huge.feed(hex("52 7fffffff"))).length());
  }

  @Test
  void aTypeIdWithoutAFixedSizeIsRefused() throws Exception {
    FrameReader reader = new FrameReader(SSL, 16);
    feedAll(reader, hex("4e 53"));
    assertEquals("4e", bytes(reader.nextFrame()).hex());
    assertEquals("53", bytes(reader.nextFrame()).hex());
    feedAll(reader, hex("47 58"));
    assertEquals("47", bytes(reader.nextFrame()).hex(), "G is an answer too");
    MalformedFrameException e = assertThrows(MalformedFrameException.class, reader::nextFrame);
    assertEquals("answer", e.path());
    assertEquals("unknown type id 0x58: no frame size for it", e.problem());
    assertEquals(3, e.offset());
  }

  @Test
  void framesOfOneFixedSizeNeedNoHeaderBytesToBeCut() throws Exception {
    FrameFormat format = FrameFormat.builder().header(List.of(constant("magic", 1, 0xA5), field("value", 2))).fixedFrameSize(5)
        .build();
    FrameReader reader = new FrameReader(format, 1);
    assertNull(reader.nextFrame());
    assertEquals(0, reader.capacity(), "still nothing allocated");
    feedAll(reader, hex("a5 0001 ff ff"));
    assertEquals("a50001ffff", bytes(reader.nextFrame()).hex());
    feedAll(reader, hex("a5 00"));
    assertNull(reader.nextFrame());
    TruncatedFrameException cut = assertThrows(TruncatedFrameException.class, reader::endOfStream);
    assertEquals("stream ended inside a frame: 2 of 5 bytes, 3 missing", cut.getMessage());
  }

  @Test
  void endOfStreamInsideAHeaderOrAFrameSaysWhatIsMissing() throws Exception {
    FrameReader inHeader = new FrameReader(POSTGRES);
    feedAll(inHeader, hex("52 0000"));
    TruncatedFrameException header = assertThrows(TruncatedFrameException.class, inHeader::endOfStream);
    assertEquals("stream ended inside a frame header: 3 of 5 bytes", header.getMessage());
    assertEquals(2, header.missing());

    // Modbus knows a frame's size 6 bytes into its 8-byte header.
    FrameReader inFrame = new FrameReader(MODBUS);
    feedAll(inFrame, hex("0001 0000 0006 01"));
    TruncatedFrameException frame = assertThrows(TruncatedFrameException.class, inFrame::endOfStream);
    assertEquals("stream ended inside a frame: 7 of 12 bytes, 5 missing", frame.getMessage());
    assertEquals(5, frame.missing());
    FrameReader beforeLength = new FrameReader(MODBUS);
    feedAll(beforeLength, hex("0001 0000 00"));
    TruncatedFrameException before = assertThrows(TruncatedFrameException.class, beforeLength::endOfStream);
    assertEquals("stream ended inside a frame header: 5 of 8 bytes", before.getMessage());
    assertEquals(3, before.missing(), "at least the rest of the header");
    assertEquals(0, before.offset(), "the frame's stream offset");

    FrameReader refused = new FrameReader(MODBUS);
    assertThrows(MalformedFrameException.class, () -> refused.feed(hex("0001 0000 0001 01")));
    TruncatedFrameException after = assertThrows(TruncatedFrameException.class, refused::endOfStream);
    assertEquals(1, after.missing(), "the rest of the header");
    assertTrue(after.getCause() instanceof MalformedFrameException, "why the frame has no size");
  }

  @Test
  void theBufferMustHoldTheBytesThatGiveAFramesSize() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FrameReader(MODBUS, 5));
    assertEquals("bufferSize 5 is smaller than the 6 bytes of a header that give a frame's size", e.getMessage());
    new FrameReader(MODBUS, 6);
  }

  @Test
  void aFrameLargerThanTheReadBufferGrowsItAsItsBytesArriveAndGivesItBack() throws Exception {
    FrameReader reader = new FrameReader(POSTGRES, 64);
    byte[] frame = new byte[5 + 10_000];
    ByteBuffer.wrap(frame).put((byte) 'D').putInt(4 + 10_000);
    ByteBuffer chunk = ByteBuffer.wrap(frame);
    chunk.limit(100);
    feedAll(reader, chunk);
    assertTrue(reader.capacity() <= 128, "memory follows the bytes that arrived, not the claim: " + reader.capacity());
    chunk.limit(frame.length);
    feedAll(reader, chunk);
    assertEquals(frame.length, reader.nextFrame().remaining());
    assertTrue(reader.release());
    assertEquals(0, reader.capacity());
  }

  @Test
  void reformatCutsTheBytesHeldUnderTheNextLayout() throws Exception {
    // PostgreSQL's client side: the one-byte answer 'N', then tagged frames, all in one read.
    FrameReader reader = new FrameReader(SSL, 16);
    feedAll(reader, hex("4e  52 00000008 00000000  5a 00000005 49"));
    assertEquals("4e", bytes(reader.nextFrame()).hex());
    reader.reformat(POSTGRES);
    assertEquals(POSTGRES, reader.format());
    assertEquals("520000000800000000", bytes(reader.nextFrame()).hex());
    assertEquals("5a0000000549", bytes(reader.nextFrame()).hex());
    assertEquals(16, reader.consumed(), "stream offsets run on across the change");
  }

  @Test
  void reformatForgetsALengthReadUnderTheOldLayout() throws Exception {
    // Half of a Modbus frame is held, its length already read; under PostgreSQL's layout the same
    // bytes say something else, and the length read before must not be used.
    FrameReader reader = new FrameReader(MODBUS, 64);
    feedAll(reader, hex("0001 0000 0002 01")); // its length says 8 bytes in all; 7 are here
    assertNull(reader.nextFrame());
    reader.reformat(POSTGRES);
    // With one more byte, 8: a whole Modbus frame, but under PostgreSQL's layout a length of 16 MiB.
    assertThrows(FrameTooLongException.class, () -> {
      feedAll(reader, hex("03"));
      reader.nextFrame();
    });
  }

  @Test
  void reformatRefusesALayoutTheBufferCannotHoldTheSizeOf() {
    FrameReader reader = new FrameReader(SSL, 1);
    assertThrows(IllegalArgumentException.class, () -> reader.reformat(POSTGRES));
  }
}
