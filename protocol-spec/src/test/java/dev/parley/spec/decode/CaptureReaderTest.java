package dev.parley.spec.decode;

import static dev.parley.spec.decode.DecodeSchemas.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Framing a capture: offsets, truncation, bad frames, resynchronisation, and bounded memory. */
class CaptureReaderTest {

  private static final SchemaDecoder DEMO = DecodeSchemas.decoder("demo.parley");
  /** SPEC.md 9.1's frame: 38 bytes. */
  private static final String SAMPLE =
      "0000002200071f90fffffffe000668c3a96c6c6f010000002a00000200010002fffd00040381";
  /** A frame whose body has an unknown type id: 6 bytes. */
  private static final String UNKNOWN_ID = "00000002" + "0063";

  private static CaptureReader reader(SchemaDecoder decoder, String hex) {
    return new CaptureReader(decoder, new ByteArrayInputStream(hex(hex)));
  }

  /** A stream that hands out one byte per read, as a slow pipe may. */
  private static InputStream oneByteAtATime(byte[] bytes) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 1));
      }
    };
  }

  private static DecodeException failure(CaptureReader reader) {
    return assertThrows(DecodeException.class, reader::next);
  }

  @Test
  void framesFollowEachOtherWithTheirStreamOffsets() throws Exception {
    for (InputStream in : List.of(new ByteArrayInputStream(hex(SAMPLE + SAMPLE)), oneByteAtATime(hex(SAMPLE + SAMPLE)))) {
      CaptureReader reader = new CaptureReader(DEMO, in);
      List<Long> offsets = new ArrayList<>();
      for (Optional<DecodedFrame> frame = reader.next(); frame.isPresent(); frame = reader.next()) {
        offsets.add(frame.get().offset());
        assertEquals(34, frame.get().length());
      }
      assertEquals(List.of(0L, 38L), offsets);
      assertEquals(76, reader.offset());
    }
  }

  @Test
  void anEmptyStreamHasNoFrames() throws Exception {
    assertEquals(Optional.empty(), reader(DEMO, "").next());
  }

  @Test
  void aStreamEndingInsideALengthPrefixIsTruncated() throws Exception {
    CaptureReader reader = reader(DEMO, SAMPLE + "0000");
    reader.next();
    DecodeException e = failure(reader);
    assertEquals(DecodeException.Kind.TRUNCATED, e.kind());
    assertEquals("frame at offset 38: stream ended inside the length prefix: 2 of 4 bytes, 2 missing",
        e.getMessage());
    assertEquals(2, e.missing());
    assertEquals(Optional.empty(), reader.next());
  }

  @Test
  void aStreamEndingInsideABodySaysHowManyBytesAreMissing() throws Exception {
    DecodeException e = failure(reader(DEMO, SAMPLE.substring(0, 16)));
    assertEquals(DecodeException.Kind.TRUNCATED, e.kind());
    assertEquals("frame at offset 0, length 34: stream ended inside the body: 4 of 34 bytes, 30 missing",
        e.getMessage());
    assertEquals(30, e.missing());
  }

  @Test
  void aMalformedBodyLeavesTheReaderAtTheNextFrame() throws Exception {
    CaptureReader reader = reader(DEMO, UNKNOWN_ID + SAMPLE);
    DecodeException e = failure(reader);
    assertEquals("frame at offset 0, length 2: type_id: unknown type id 99, at body offset 0 (stream offset 4)",
        e.getMessage());
    assertEquals(6, reader.next().orElseThrow().offset());
    assertEquals(Optional.empty(), reader.next());
  }

  @Test
  void aLengthAboveTheMaximumIsRefusedUntilTheReaderResynchronises() throws Exception {
    String garbage = "ffffffff" + "0102";
    CaptureReader reader = reader(DEMO, SAMPLE + garbage + SAMPLE);
    reader.next();
    DecodeException e = failure(reader);
    assertEquals(DecodeException.Kind.TOO_LONG, e.kind());
    assertEquals("frame at offset 38, length 4294967295: length prefix 4294967295 exceeds max_frame_length 1048576",
        e.getMessage());
    assertEquals(DecodeException.Kind.TOO_LONG, failure(reader).kind());
    assertEquals(new CaptureReader.Resync(38, 44, true), reader.resynchronize());
    assertEquals(44, reader.next().orElseThrow().offset());
    assertEquals(Optional.empty(), reader.next());
  }

  @Test
  void resynchronisingWithoutAPlausibleFrameSkipsToTheEnd() throws Exception {
    // A frame with bytes after its known fields is no resynchronisation point, nor is a cut one.
    String trailing = "00000023" + SAMPLE.substring(8) + "00";
    CaptureReader reader = reader(DEMO, "ffffffff" + trailing + SAMPLE.substring(0, 20));
    failure(reader);
    CaptureReader.Resync resync = reader.resynchronize();
    assertFalse(resync.found());
    assertEquals(0, resync.from());
    assertEquals(4 + 39 + 10, resync.to());
    assertEquals(Optional.empty(), reader.next());
  }

  @Test
  void aLengthPrefixClaimingGigabytesAllocatesNothingForThem() throws Exception {
    SchemaDecoder huge = DecodeSchemas.decoder("huge.parley");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    CaptureReader reader = new CaptureReader(huge, oneByteAtATime(hex("7ffffff0" + "0001" + "00")));
    long before = threads.getCurrentThreadAllocatedBytes();
    DecodeException e = failure(reader);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertEquals(DecodeException.Kind.TRUNCATED, e.kind());
    assertEquals(0x7ffffff0L - 3, e.missing());
    assertTrue(allocated < 1 << 20, allocated + " bytes allocated");
  }

  @Test
  void largeFramesGrowTheBufferAsTheyArrive() throws Exception {
    SchemaDecoder huge = DecodeSchemas.decoder("huge.parley");
    int size = 300_000;
    byte[] frame = new byte[4 + 2 + 4 + size];
    java.nio.ByteBuffer.wrap(frame).putInt(2 + 4 + size).putShort((short) 1).putInt(size);
    byte[] twice = new byte[2 * frame.length];
    System.arraycopy(frame, 0, twice, 0, frame.length);
    System.arraycopy(frame, 0, twice, frame.length, frame.length);
    CaptureReader reader = new CaptureReader(huge, new ByteArrayInputStream(twice));
    assertEquals(0, reader.next().orElseThrow().offset());
    assertEquals(frame.length, reader.next().orElseThrow().offset());
    assertEquals(Optional.empty(), reader.next());
  }
}
