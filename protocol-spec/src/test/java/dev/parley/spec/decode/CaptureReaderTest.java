package dev.parley.spec.decode;

import static dev.parley.spec.decode.DecodeSchemas.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
    byte[] stream = hex(SAMPLE + "ffffffff" + "0102" + SAMPLE);
    // One byte a read: the refused prefix arrives in four reads, not in the one that refuses it.
    for (InputStream in : List.of(new ByteArrayInputStream(stream), oneByteAtATime(stream))) {
      CaptureReader reader = new CaptureReader(DEMO, in);
      reader.next();
      DecodeException e = failure(reader);
      assertEquals(DecodeException.Kind.TOO_LONG, e.kind());
      assertEquals("frame at offset 38, length 4294967295: length prefix 4294967295 exceeds max_frame_length 1048576",
          e.getMessage());
      assertEquals(DecodeException.Kind.TOO_LONG, failure(reader).kind());
      assertEquals(38, reader.offset());
      assertEquals(new CaptureReader.Resync(38, 44, true), reader.resynchronize());
      assertEquals(44, reader.next().orElseThrow().offset());
      assertEquals(Optional.empty(), reader.next());
    }
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
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    CaptureReader reader = new CaptureReader(huge, oneByteAtATime(hex("7ffffff0" + "0001" + "00")));
    long before = threads.getCurrentThreadAllocatedBytes();
    DecodeException e = failure(reader);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertEquals(DecodeException.Kind.TRUNCATED, e.kind());
    assertEquals(0x7ffffff0L - 3, e.missing());
    assertTrue(allocated < 1 << 20, allocated + " bytes allocated");
  }

  /** A Blob frame of huge.parley whose data is {@code size} bytes: {@code 4 + 2 + 4 + size} bytes. */
  private static byte[] blob(int size) {
    byte[] frame = new byte[4 + 2 + 4 + size];
    ByteBuffer.wrap(frame).putInt(2 + 4 + size).putShort((short) 1).putInt(size);
    return frame;
  }

  @Test
  void largeFramesGrowTheBufferAsTheyArriveAndGiveItBackAfterwards() throws Exception {
    SchemaDecoder huge = DecodeSchemas.decoder("huge.parley");
    byte[] frame = blob(300_000);
    CaptureReader whole = new CaptureReader(huge, new ByteArrayInputStream(frame));
    int initial = whole.capacity();
    assertTrue(initial < 100_000, initial + " bytes");
    assertEquals(0, whole.next().orElseThrow().offset());
    assertTrue(whole.capacity() >= frame.length && whole.capacity() <= frame.length * 3 / 2,
        whole.capacity() + " bytes for a frame of " + frame.length);
    assertEquals(Optional.empty(), whole.next());
    assertEquals(initial, whole.capacity());

    // The same length prefix with only a third of the body: the buffer follows what came.
    int arrived = 100_000;
    CaptureReader cut = new CaptureReader(huge, oneByteAtATime(Arrays.copyOf(frame, arrived)));
    assertEquals(DecodeException.Kind.TRUNCATED, failure(cut).kind());
    assertTrue(cut.capacity() >= arrived && cut.capacity() <= 2 * arrived,
        cut.capacity() + " bytes for " + arrived + " that arrived of a frame of " + frame.length);
  }

  /** The capture reader's own buffer; the runtime's FrameReader, which cuts the frames, moves a partial frame at most once per buffer's worth. */
  @Test
  void framesOneAfterAnotherAreNotMovedAboutMoreThanOnce() throws Exception {
    SchemaDecoder huge = DecodeSchemas.decoder("huge.parley");
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (int size = 0; size < 200_000; size += 997) {
      stream.writeBytes(blob(size));
    }
    CaptureReader reader = new CaptureReader(huge, new ByteArrayInputStream(stream.toByteArray()));
    while (reader.next().isPresent()) {
      // all of them
    }
    assertTrue(reader.bytesMoved() <= stream.size(), reader.bytesMoved() + " bytes moved for " + stream.size());
  }

  /**
   * Resynchronising over {@code hostile} (after its first four bytes, a length above the maximum)
   * finds no frame; the buffer moves each byte about once, not once for every offset tried.
   */
  private static void resynchronisesInBoundedWork(byte[] hostile) throws Exception {
    CaptureReader reader = new CaptureReader(DEMO, new ByteArrayInputStream(hostile));
    assertEquals(DecodeException.Kind.TOO_LONG, failure(reader).kind());
    // Before the fix, 2 MiB of such bytes took 13 s; the bound only stops a regression from hanging.
    CaptureReader.Resync resync = assertTimeoutPreemptively(Duration.ofSeconds(60), reader::resynchronize);
    assertEquals(new CaptureReader.Resync(0, hostile.length, false), resync);
    long frame = 4 + DEMO.options().maxFrameLength();
    assertTrue(reader.bytesMoved() <= hostile.length + 8 * frame,
        reader.bytesMoved() + " bytes moved to resynchronise over " + hostile.length);
  }

  @Test
  void resynchronisingPastCandidatesOfTheLargestLengthMovesEachByteAboutOnce() throws Exception {
    // Every fourth offset claims max_frame_length (0x00100000) and has an unknown type id.
    ByteBuffer hostile = ByteBuffer.allocate(4 + (4 << 20)).putInt(-1);
    while (hostile.hasRemaining()) {
      hostile.putInt(0x0010_0000);
    }
    resynchronisesInBoundedWork(hostile.array());
  }

  @Test
  void resynchronisingPastEverLongerCandidatesDoesNotGrowTheBufferAByteAtATime() throws Exception {
    // Every fourth offset claims a byte more than the one before: 64 KiB, 64 KiB + 1, ...
    ByteBuffer hostile = ByteBuffer.allocate(4 + (4 << 20)).putInt(-1);
    for (int length = 0x1_0000; hostile.hasRemaining(); length++) {
      hostile.putInt(length);
    }
    resynchronisesInBoundedWork(hostile.array());
  }

  @Test
  void rejectingAFrameCostsNoStackTrace() {
    DecodeException e = failure(reader(DEMO, UNKNOWN_ID));
    assertEquals(0, e.getStackTrace().length);
    assertEquals("frame at offset 0, length 2: type_id: unknown type id 99, at body offset 0 (stream offset 4)",
        e.getMessage());
  }
}
