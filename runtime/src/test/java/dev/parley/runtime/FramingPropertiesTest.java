package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded properties of framing: any sequence of frames, split anywhere, reads back exactly; a
 * channel that moves random small amounts loses and reorders nothing. Failures name their seed;
 * {@code -Dparley.seed=N} replays.
 */
class FramingPropertiesTest {

  private static final RawProtocol PROTOCOL = RawProtocol.u32(70_000);

  /** The seed a property runs from: {@code -Dparley.seed=N}, else a fresh one (which failures name). */
  static long seed() {
    String given = System.getProperty("parley.seed");
    return given == null || given.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(given);
  }

  static List<Bytes> randomFrames(SplittableRandom rnd) {
    List<Bytes> frames = new ArrayList<>();
    int count = rnd.nextInt(40);
    for (int i = 0; i < count; i++) {
      int size = switch (rnd.nextInt(6)) {
        case 0 -> 0;
        case 1 -> rnd.nextInt(4);
        case 2 -> 60_000 + rnd.nextInt(10_000); // larger than the read buffer
        default -> rnd.nextInt(300);
      };
      byte[] body = new byte[size];
      for (int k = 0; k < size; k++) {
        body[k] = (byte) rnd.nextInt(0xEE); // never 0xEE, which RawProtocol refuses
      }
      frames.add(Bytes.of(body));
    }
    return frames;
  }

  static byte[] stream(List<Bytes> frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Bytes frame : frames) {
      ByteBuffer prefix = ByteBuffer.allocate(4).putInt(frame.size());
      out.writeBytes(prefix.array());
      out.writeBytes(frame.toByteArray());
    }
    return out.toByteArray();
  }

  @Test
  void anySplitOfAnyFrameSequenceReadsBackExactly() throws Exception {
    long seed = seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    // Frames of up to 70 KB split a byte at a time are slow: -Pfuzz gives this a twentieth of its values.
    int runs = Math.max(300, Integer.getInteger("parley.values", 0) / 20);
    for (int run = 0; run < runs; run++) {
      List<Bytes> frames = randomFrames(rnd);
      byte[] stream = stream(frames);
      FrameReader reader = new FrameReader(PROTOCOL.frameFormat(), 64 + rnd.nextInt(2000));
      List<Bytes> read = new ArrayList<>();
      int at = 0;
      int strategy = rnd.nextInt(3);
      while (at < stream.length) {
        int chunk = switch (strategy) {
          case 0 -> 1; // one byte at a time
          case 1 -> 1 + rnd.nextInt(50);
          default -> 1 + rnd.nextInt(stream.length); // often many frames at once
        };
        chunk = Math.min(chunk, stream.length - at);
        ByteBuffer piece = ByteBuffer.wrap(stream, at, chunk);
        at += chunk;
        while (piece.hasRemaining()) {
          reader.feed(piece);
          for (ByteBuffer body = reader.nextFrame(); body != null; body = reader.nextFrame()) {
            read.add(PROTOCOL.decode(body));
          }
        }
        int largestFrame = 4 + frames.stream().mapToInt(Bytes::size).max().orElse(0);
        int bound = Math.max(64 + 2000, largestFrame);
        assertTrue(reader.capacity() <= bound, () -> "seed " + seed + ": the reader holds one partial frame"
            + " plus one read buffer at most, but has " + reader.capacity());
      }
      reader.endOfStream();
      int r = run;
      assertEquals(frames, read, () -> "run " + r + "; rerun with -Dparley.seed=" + seed);
      assertEquals(stream.length, reader.consumed());
    }
  }

  @Test
  void aChannelThatMovesRandomSmallAmountsLosesNothing() throws Exception {
    long seed = seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    int runs = Math.max(100, Integer.getInteger("parley.values", 0) / 20);
    for (int run = 0; run < runs; run++) {
      List<Bytes> frames = randomFrames(rnd);
      ChunkyChannel channel = new ChunkyChannel(rnd.nextLong(), 1 + rnd.nextInt(100));
      FrameWriter<Bytes> writer = new FrameWriter<>(PROTOCOL);
      for (Bytes frame : frames) {
        assertTrue(writer.enqueue(frame));
        if (rnd.nextBoolean()) {
          writer.flushTo(channel);
        }
      }
      for (int spins = 0; writer.hasPending(); spins++) {
        writer.flushTo(channel);
        assertTrue(spins < 100_000_000, "bounded");
      }
      byte[] written = channel.written();
      assertEquals(Bytes.of(stream(frames)), Bytes.of(written), () -> "seed " + seed);

      channel.supply(written);
      FrameReader reader = new FrameReader(PROTOCOL.frameFormat(), 128);
      List<Bytes> read = new ArrayList<>();
      while (true) {
        int n = reader.readFrom(channel);
        for (ByteBuffer body = reader.nextFrame(); body != null; body = reader.nextFrame()) {
          read.add(PROTOCOL.decode(body));
        }
        if (n < 0) {
          reader.endOfStream();
          break;
        }
      }
      assertEquals(frames, read, () -> "seed " + seed);
    }
  }

  @Test
  void endOfStreamInsideTheLengthOrTheBodySaysWhatIsMissing() throws Exception {
    FrameReader reader = new FrameReader(PROTOCOL.frameFormat());
    reader.feed(ByteBuffer.wrap(new byte[] {0, 0}));
    TruncatedFrameException inLength = assertThrows(TruncatedFrameException.class, reader::endOfStream);
    assertEquals("stream ended inside a length prefix: 2 of 4 bytes", inLength.getMessage());
    assertEquals(2, inLength.missing());

    FrameReader body = new FrameReader(PROTOCOL.frameFormat());
    body.feed(ByteBuffer.wrap(new byte[] {0, 0, 0, 10, 1, 2, 3}));
    assertNull(body.nextFrame());
    TruncatedFrameException inBody = assertThrows(TruncatedFrameException.class, body::endOfStream);
    assertEquals("stream ended inside a frame: 3 of 10 body bytes, 7 missing", inBody.getMessage());
    assertEquals(7, inBody.missing());
  }

  @Test
  void lengthsAtAndAroundTheMaximum() throws Exception {
    FrameFormat format = FrameFormat.builder().maxFrameLength(100).build();
    FrameReader reader = new FrameReader(format, 16);
    reader.feed(ByteBuffer.wrap(new byte[] {0, 0, 0, 0}));
    assertEquals(0, reader.nextFrame().remaining(), "length 0 is an empty body");
    byte[] max = new byte[104];
    max[3] = 100;
    ByteBuffer chunk = ByteBuffer.wrap(max);
    for (int i = 0; chunk.hasRemaining(); i++) {
      reader.feed(chunk);
      assertTrue(i < 200, "bounded");
    }
    assertEquals(100, reader.nextFrame().remaining(), "length = max is accepted");
    FrameReader over = new FrameReader(format, 16);
    FrameTooLongException tooLong = assertThrows(FrameTooLongException.class,
        () -> over.feed(ByteBuffer.wrap(new byte[] {0, 0, 0, 101})));
    assertEquals(101, tooLong.length());
    assertEquals(16, over.capacity(), "nothing was allocated for the refused frame");
    FrameReader huge = new FrameReader(format, 16);
    FrameTooLongException claim = assertThrows(FrameTooLongException.class,
        () -> huge.feed(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF})));
    assertEquals(4294967295L, claim.length());
    assertEquals("frame length 4294967295 exceeds the maximum of 100", claim.getMessage());
  }

  @Test
  void aClaimedLengthWithinTheMaximumIsNotAllocatedBeforeItsBytesArrive() throws Exception {
    // Found by the self-fuzzing suite: a 6-byte frame claiming 350 KB made the reader allocate it.
    FrameReader reader = new FrameReader(FrameFormat.builder().maxFrameLength(1 << 20).build(), 256);
    reader.feed(ByteBuffer.wrap(new byte[] {0, 5, 0x61, (byte) 0xCF, 0, 5}));
    assertNull(reader.nextFrame());
    assertEquals(256, reader.capacity(), "memory follows the bytes that arrived, not the claim");
    byte[] more = new byte[1000];
    ByteBuffer chunk = ByteBuffer.wrap(more);
    while (chunk.hasRemaining()) {
      reader.feed(chunk);
    }
    assertTrue(reader.capacity() <= 2048, "grew by doubling with what arrived: " + reader.capacity());
  }

  @Test
  void aValidFrameThenGarbageGivesTheFrameThenAnError() throws Exception {
    FrameReader reader = new FrameReader(FrameFormat.builder().maxFrameLength(1000).build());
    reader.feed(ByteBuffer.wrap(new byte[] {0, 0, 0, 2, 7, 8, (byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF}));
    assertEquals(Bytes.of((byte) 7, (byte) 8), PROTOCOL.decode(reader.nextFrame()));
    FrameTooLongException e = assertThrows(FrameTooLongException.class, reader::nextFrame);
    assertEquals(6, e.offset(), "the offset in the stream of the bad frame");
  }

  @Test
  void theReaderAllocatesAtTheFirstReadGrowsWhileReadsFillItAndGivesItBackWhenEmpty() throws Exception {
    FrameReader reader = new FrameReader(FrameFormat.builder().maxFrameLength(1 << 20).build());
    assertEquals(0, reader.capacity(), "nothing is allocated before a byte arrives");
    reader.feed(ByteBuffer.wrap(new byte[] {0, 0, 0, 1, 7}));
    assertEquals(FrameReader.MIN_BUFFER_SIZE, reader.capacity(), "the first read takes the smallest buffer");
    assertEquals(1, reader.nextFrame().remaining());
    // A stream of small frames, read a buffer's worth at a time: reads that fill the buffer grow it.
    byte[] frames = new byte[1 << 20];
    for (int i = 0; i < frames.length; i += 8) {
      frames[i + 3] = 4;
    }
    java.nio.channels.ReadableByteChannel channel = java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(frames));
    int seen = 0;
    for (int reads = 0; reads < 1000 && reader.readFrom(channel) > 0; reads++) {
      while (reader.nextFrame() != null) {
        seen++;
      }
    }
    assertEquals(frames.length / 8, seen);
    assertEquals(FrameReader.DEFAULT_BUFFER_SIZE, reader.capacity(), "grown to the largest read size, no further");
    assertTrue(reader.release(), "an empty reader gives its buffer back");
    assertEquals(0, reader.capacity());
    reader.feed(ByteBuffer.wrap(new byte[] {0, 0}));
    assertEquals(false, reader.release(), "a reader holding bytes keeps them");
  }

  @Test
  void theWriterRefusesWhatWouldPassItsBound() {
    FrameWriter<Bytes> writer = new FrameWriter<>(RawProtocol.u32(100), 300);
    for (int i = 0; i < 2; i++) {
      assertTrue(writer.enqueue(Bytes.of(new byte[100])));
    }
    assertEquals(208, writer.pending());
    assertEquals(false, writer.enqueue(Bytes.of(new byte[100])), "a third would make 312 > 300");
    assertEquals(208, writer.pending(), "nothing was queued");
    assertThrows(IllegalArgumentException.class, () -> writer.enqueue(Bytes.of(new byte[101])));
  }

  @Test
  void theWriterAllocatesOnFirstUseKeepsASteadyQueuesBufferAndGivesBackABurstsOnceSent() throws Exception {
    FrameWriter<Bytes> writer = new FrameWriter<>(RawProtocol.u32(1 << 20));
    assertEquals(0, writer.capacity(), "nothing is allocated before a frame is queued");
    java.nio.channels.WritableByteChannel sink = java.nio.channels.Channels.newChannel(java.io.OutputStream.nullOutputStream());
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 32; i++) {
        writer.enqueue(Bytes.of(new byte[1020]));
      }
      assertTrue(writer.flushTo(sink), "all sent");
      assertEquals(32 * 1024, writer.capacity(), "a steady queue of 32 KiB keeps its buffer, round " + round);
    }
    for (int i = 0; i < 1024; i++) {
      writer.enqueue(Bytes.of(new byte[1020]));
    }
    assertTrue(writer.capacity() > 512 * 1024);
    assertTrue(writer.flushTo(sink));
    assertEquals(0, writer.capacity(), "a burst's buffer is given back once sent");
    writer.enqueue(Bytes.of(new byte[10]));
    assertEquals(4096, writer.capacity(), "a small frame takes the smallest buffer");
    assertEquals(false, writer.release(), "a buffer with bytes queued is kept");
    assertTrue(writer.flushTo(sink));
    assertTrue(writer.release());
    assertEquals(0, writer.capacity());
  }

  @Test
  void aSenderThatRefillsToQuarterOfAMebibyteKeepsItsBufferThoughItPassesItByAFrame() throws Exception {
    FrameWriter<Bytes> writer = new FrameWriter<>(RawProtocol.u32(1 << 20));
    java.nio.channels.WritableByteChannel sink = java.nio.channels.Channels.newChannel(java.io.OutputStream.nullOutputStream());
    int capacity = -1;
    for (int round = 0; round < 3; round++) {
      while (writer.pending() < 256 * 1024) {
        writer.enqueue(Bytes.of(new byte[64]));
      }
      assertTrue(writer.flushTo(sink), "all sent");
      if (round > 0) {
        assertEquals(capacity, writer.capacity(), "the buffer is kept, round " + round);
      }
      capacity = writer.capacity();
    }
  }

  @Test
  void littleEndianU16Prefixes() throws Exception {
    FrameFormat format = FrameFormat.builder().lengthSize(2).byteOrder(java.nio.ByteOrder.LITTLE_ENDIAN)
        .maxFrameLength(65535).build();
    RawProtocol protocol = new RawProtocol(format);
    FrameWriter<Bytes> writer = new FrameWriter<>(protocol);
    writer.enqueue(Bytes.of((byte) 1, (byte) 2, (byte) 3));
    ChunkyChannel channel = new ChunkyChannel(1, 1000);
    writer.flushTo(channel);
    assertEquals("0300010203", Bytes.of(channel.written()).hex());
  }
}
