package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Skipping bytes and peeking at frames: what a reader that has lost the frame boundaries does to
 * find them again. Against a model of the stream, in any chunking, and in bounded work. The
 * property names its seed; {@code -Dparley.seed=N} replays it.
 */
class FrameReaderSkipTest {

  private static final FrameFormat MAX_100 = FrameFormat.builder().maxFrameLength(100).build();

  private static ByteBuffer bytes(int... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length);
    for (int value : values) {
      buffer.put((byte) value);
    }
    return buffer.flip();
  }

  private static void feedAll(FrameReader reader, ByteBuffer chunk) throws ProtocolException {
    while (chunk.hasRemaining()) {
      assertTrue(reader.feed(chunk) > 0, "the reader takes bytes while no complete frame waits");
    }
  }

  @Test
  void skippingARefusedLengthPrefixReadsTheFrameAfterIt() throws Exception {
    FrameReader reader = new FrameReader(MAX_100, 16);
    FrameTooLongException refused = assertThrows(FrameTooLongException.class,
        () -> reader.feed(bytes(0, 0, 0, 101, 0, 0, 0, 2, 7, 8)));
    assertEquals(0, refused.offset());
    assertThrows(FrameTooLongException.class, reader::nextFrame, "refused again until skipped");
    reader.skip(4);
    assertEquals(4, reader.consumed(), "skipped bytes count as consumed");
    assertEquals(Bytes.of((byte) 7, (byte) 8), Bytes.of(toArray(reader.nextFrame())));
    assertEquals(10, reader.consumed());
  }

  @Test
  void peekingGivesTheNextFrameWithoutTakingIt() throws Exception {
    FrameReader reader = new FrameReader(MAX_100, 16);
    feedAll(reader, bytes(0, 0, 0, 2, 7, 8, 0, 0));
    ByteBuffer peeked = reader.peekFrame();
    assertEquals(Bytes.of((byte) 7, (byte) 8), Bytes.of(toArray(peeked)));
    assertEquals(8, reader.buffered(), "nothing taken");
    assertEquals(0, reader.consumed());
    assertEquals(Bytes.of((byte) 7, (byte) 8), Bytes.of(toArray(reader.peekFrame())), "the same frame again");
    ByteBuffer taken = reader.nextFrame();
    assertSame(peeked, taken, "one view object, so that peeking allocates nothing");
    assertEquals(Bytes.of((byte) 7, (byte) 8), Bytes.of(toArray(taken)));
    assertNull(reader.peekFrame(), "half a length prefix is no frame");
    assertEquals(6, reader.consumed());
  }

  @Test
  void peekingAtAFrameThatIsTooLongRefusesItLikeTakingIt() throws Exception {
    FrameReader reader = new FrameReader(MAX_100, 16);
    feedAll(reader, bytes(9, 9, 9));
    reader.skip(3);
    FrameTooLongException e = assertThrows(FrameTooLongException.class,
        () -> reader.feed(bytes(0, 0, 1, 0)));
    assertEquals(256, e.length());
    assertEquals(3, assertThrows(FrameTooLongException.class, reader::peekFrame).offset(),
        "the stream offset of the refused prefix, skipped bytes included");
    assertThrows(FrameTooLongException.class, reader::nextFrame);
    assertThrows(FrameTooLongException.class, () -> reader.readFrom(channel(new byte[] {1})),
        "nor is more read behind a refused prefix");
  }

  @Test
  void aSkipRereadsTheLengthOfTheNewFront() throws Exception {
    FrameReader reader = new FrameReader(FrameFormat.builder().maxFrameLength(1000).build(), 16);
    feedAll(reader, bytes(0, 0, 0, 2, 1, 2));
    assertNotNull(reader.peekFrame()); // the length 2 is known now
    reader.skip(1);
    // The front is now 00 00 02 01: a frame of 513 bytes, of which 1 is here.
    assertNull(reader.peekFrame());
    assertNull(reader.nextFrame());
    reader.skip(2);
    assertThrows(FrameTooLongException.class, () -> reader.feed(bytes(0x03)), "02 01 02 03 is too long");
  }

  @Test
  void readingAfterASkipThatLeavesPartOfAPrefixReadsOn() throws Exception {
    for (int chunk : new int[] {1, 2, 100}) {
      FrameReader reader = new FrameReader(MAX_100, 16);
      assertThrows(FrameTooLongException.class, () -> reader.feed(bytes(0, 0, 0, 0x7F, 0, 0)));
      reader.skip(4);
      assertNull(reader.peekFrame());
      ChunkyChannel rest = new ChunkyChannel(chunk, chunk);
      rest.supply(new byte[] {0, 2, 9, 9});
      ByteBuffer frame = null;
      for (int reads = 0; frame == null; reads++) {
        assertTrue(reads < 10 && reader.readFrom(rest) >= 0, "the frame arrives");
        frame = reader.nextFrame();
      }
      assertEquals(Bytes.of((byte) 9, (byte) 9), Bytes.of(toArray(frame)));
      assertEquals(10, reader.consumed());
      reader.endOfStream();
    }
  }

  @Test
  void skippingMoreThanIsHeldIsRefusedAndChangesNothing() throws Exception {
    FrameReader reader = new FrameReader(MAX_100, 16);
    reader.skip(0);
    assertThrows(IllegalArgumentException.class, () -> reader.skip(1), "an empty reader");
    feedAll(reader, bytes(0, 0, 0, 1, 5, 0));
    assertThrows(IllegalArgumentException.class, () -> reader.skip(7));
    assertThrows(IllegalArgumentException.class, () -> reader.skip(-1));
    assertEquals(6, reader.buffered());
    assertEquals(0, reader.consumed());
    assertEquals(Bytes.of((byte) 5), Bytes.of(toArray(reader.nextFrame())));
    reader.skip(1);
    assertEquals(0, reader.buffered());
    reader.endOfStream(); // skipping to the end leaves nothing cut short
    assertEquals(6, reader.consumed());
  }

  @Test
  void skippingEverythingHeldLetsTheBufferGoBack() throws Exception {
    FrameReader reader = new FrameReader(MAX_100, 16);
    feedAll(reader, bytes(0, 0, 0, 50, 1, 2, 3));
    reader.skip(reader.buffered());
    assertTrue(reader.release());
    assertEquals(0, reader.capacity());
  }

  private static byte[] toArray(ByteBuffer body) {
    byte[] bytes = new byte[body.remaining()];
    body.duplicate().get(bytes);
    return bytes;
  }

  private static ReadableByteChannel channel(byte[] bytes) {
    return Channels.newChannel(new ByteArrayInputStream(bytes));
  }

  // ---- The property ------------------------------------------------------------------------------

  /** What the reader should say about a stream of which {@code [at, arrived)} is held. */
  private static final class Model {
    final byte[] stream;
    final FrameFormat format;
    int at;
    int arrived;

    Model(byte[] stream, FrameFormat format) {
      this.stream = stream;
      this.format = format;
    }

    /** The length prefix at {@code at}, -1 while incomplete. */
    long length() {
      if (arrived - at < format.lengthSize()) {
        return -1;
      }
      ByteBuffer prefix = ByteBuffer.wrap(stream, at, format.lengthSize()).order(format.byteOrder());
      return format.lengthSize() == 2 ? prefix.getShort() & 0xFFFF : prefix.getInt() & 0xFFFF_FFFFL;
    }

    boolean isTooLong() {
      return length() > format.maxFrameLength();
    }

    /** The front frame's body, or null while incomplete; call only when not too long. */
    Bytes frame() {
      long length = length();
      if (length < 0 || arrived - at - format.lengthSize() < length) {
        return null;
      }
      byte[] body = new byte[(int) length];
      System.arraycopy(stream, at + format.lengthSize(), body, 0, body.length);
      return Bytes.of(body);
    }
  }

  /** Valid frames, garbage, refused prefixes and frames claiming more than follows, run together. */
  private static byte[] randomStream(SplittableRandom rnd, FrameFormat format) {
    ByteBuffer out = ByteBuffer.allocate(64 * 1024).order(format.byteOrder());
    int pieces = rnd.nextInt(60);
    for (int i = 0; i < pieces && out.remaining() > 2 * format.maxFrameLength() + 16; i++) {
      switch (rnd.nextInt(4)) {
        case 0 -> { // a frame, sometimes cut short by what follows
          int length = rnd.nextInt(4) == 0 ? format.maxFrameLength() : rnd.nextInt(format.maxFrameLength() + 1);
          putLength(out, format, length);
          int body = rnd.nextInt(5) == 0 ? rnd.nextInt(length + 1) : length;
          for (int k = 0; k < body; k++) {
            out.put((byte) rnd.nextInt(256));
          }
        }
        case 1 -> putLength(out, format, format.maxFrameLength() + 1 + rnd.nextInt(1000)); // refused
        case 2 -> { // garbage
          for (int k = rnd.nextInt(50); k > 0; k--) {
            out.put((byte) rnd.nextInt(256));
          }
        }
        default -> { // ever longer candidates a byte apart, as a hostile capture has
          int length = rnd.nextInt(format.maxFrameLength() + 1);
          for (int k = rnd.nextInt(200); k > 0; k--) {
            out.put((byte) (length >>> (8 * (k % format.lengthSize()))));
            length = Math.min(format.maxFrameLength(), length + 1);
          }
        }
      }
    }
    byte[] stream = new byte[out.position()];
    out.flip().get(stream);
    return stream;
  }

  private static void putLength(ByteBuffer out, FrameFormat format, int length) {
    if (format.lengthSize() == 2) {
      out.putShort((short) Math.min(length, 0xFFFF));
    } else {
      out.putInt(length);
    }
  }

  @Test
  void randomSkipsPeeksAndReadsInAnyChunkingAgreeWithTheStream() throws Exception {
    long seed = FramingPropertiesTest.seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    int runs = Math.max(300, Integer.getInteger("parley.values", 0) / 20);
    for (int run = 0; run < runs; run++) {
      int r = run;
      Supplier<String> where = () -> "run " + r + "; rerun with -Dparley.seed=" + seed;
      int lengthSize = rnd.nextBoolean() ? 2 : 4;
      FrameFormat format = FrameFormat.builder()
          .lengthSize(lengthSize)
          .byteOrder(rnd.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
          .maxFrameLength(1 + rnd.nextInt(rnd.nextBoolean() ? 100 : 5000))
          .build();
      byte[] stream = randomStream(rnd, format);
      int bufferSize = lengthSize + rnd.nextInt(3000);
      FrameReader reader = new FrameReader(format, bufferSize);
      Model model = new Model(stream, format);
      boolean fromChannel = rnd.nextBoolean();
      ChunkyChannel channel = new ChunkyChannel(rnd.nextLong(), 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 5000));
      channel.supply(stream);
      int maxChunk = 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 5000);
      int skipOne = rnd.nextInt(10); // out of 10: how often a skip is of a single byte
      boolean ended = false;
      for (int steps = 0; model.at < stream.length || !ended; steps++) {
        assertTrue(steps < 10_000_000, where);
        boolean tooLong = model.isTooLong();
        Bytes expected = tooLong ? null : model.frame();
        int op = rnd.nextInt(10);
        if (op == 0) {
          checkFront(reader, model, tooLong, expected, reader::peekFrame, where);
        } else if (op == 1) {
          checkFront(reader, model, tooLong, expected, reader::nextFrame, where);
          if (expected != null) {
            model.at += format.lengthSize() + expected.size();
          }
        } else if (op == 2 || tooLong || expected != null || ended) {
          if (rnd.nextInt(20) == 0) {
            int held = reader.buffered();
            assertThrows(IllegalArgumentException.class, () -> reader.skip(held + 1), where);
          }
          int held = model.arrived - model.at;
          int n = held == 0 ? 0 : rnd.nextInt(10) < skipOne ? 1 : rnd.nextInt(held + 1);
          reader.skip(n);
          model.at += n;
          ended = model.arrived == stream.length && model.at == model.arrived;
        } else if (fromChannel) {
          int n = reader.readFrom(channel);
          if (n < 0) {
            assertEquals(stream.length, model.arrived, where);
            ended = true;
          } else {
            model.arrived += n;
          }
        } else if (model.arrived < stream.length) {
          ByteBuffer chunk = ByteBuffer.wrap(stream, model.arrived,
              Math.min(1 + rnd.nextInt(maxChunk), stream.length - model.arrived));
          try {
            model.arrived += reader.feed(chunk);
          } catch (FrameTooLongException e) {
            model.arrived = chunk.position(); // refused once the prefix is in: what it took stays taken
            assertTrue(model.isTooLong(), where);
          }
        } else {
          ended = true;
        }
        assertEquals(model.at, reader.consumed(), where);
        assertEquals(model.arrived - model.at, reader.buffered(), where);
        // One read buffer, or a few frames' worth while candidates a byte apart are tried.
        int frame = format.lengthSize() + format.maxFrameLength();
        assertTrue(reader.capacity() <= Math.max(bufferSize, 3 * frame),
            () -> where.get() + ": capacity " + reader.capacity() + " for frames of " + frame);
      }
      reader.endOfStream();
      long frame = format.lengthSize() + format.maxFrameLength();
      assertTrue(reader.bytesMoved() <= 3L * stream.length + 6 * frame,
          () -> where.get() + ": " + reader.bytesMoved() + " bytes moved for " + stream.length);
    }
  }

  private interface Front {
    ByteBuffer get() throws ProtocolException;
  }

  private static void checkFront(FrameReader reader, Model model, boolean tooLong, Bytes expected, Front front,
      Supplier<String> where) throws ProtocolException {
    if (tooLong) {
      FrameTooLongException e = assertThrows(FrameTooLongException.class, front::get, where);
      assertEquals(model.length(), e.length(), where);
      assertEquals(model.at, e.offset(), where);
    } else {
      ByteBuffer body = front.get();
      assertEquals(expected, body == null ? null : Bytes.of(toArray(body)), where);
    }
  }

  // ---- Work ---------------------------------------------------------------------------------------

  /**
   * Looks for a frame at every offset of {@code hostile}, a byte at a time, with peeks and reads in
   * between, as resynchronisation does; every candidate is refused, too long, or cut by the end.
   */
  private static long bytesMovedSkippingByteByByte(byte[] hostile, FrameFormat format) throws Exception {
    FrameReader reader = new FrameReader(format);
    ReadableByteChannel channel = channel(hostile);
    boolean ended = false;
    while (true) {
      boolean needsBytes;
      try {
        needsBytes = reader.peekFrame() == null;
      } catch (FrameTooLongException e) {
        needsBytes = false;
      }
      if (needsBytes && !ended && reader.readFrom(channel) < 0) {
        ended = true;
      } else if (!needsBytes || ended) {
        if (reader.buffered() == 0) {
          break;
        }
        reader.skip(1);
      }
    }
    assertEquals(hostile.length, reader.consumed());
    return reader.bytesMoved();
  }

  @Test
  void skippingByteByByteOverAMebibyteOfCandidatesOfTheLargestLengthMovesEachByteAboutOnce() throws Exception {
    int max = 64 * 1024;
    FrameFormat format = FrameFormat.builder().maxFrameLength(max).build();
    // Every fourth offset claims max_frame_length; the others are too long or short.
    ByteBuffer hostile = ByteBuffer.allocate(1 << 20);
    while (hostile.hasRemaining()) {
      hostile.putInt(max);
    }
    // The last candidates are cut by the end of the stream and never complete: nothing is taken.
    long moved = bytesMovedSkippingByteByByte(hostile.array(), format);
    assertTrue(moved <= hostile.capacity() + 8L * (4 + max), moved + " bytes moved to skip " + hostile.capacity());
  }

  @Test
  void skippingByteByByteOverEverLongerCandidatesDoesNotGrowTheBufferAByteAtATime() throws Exception {
    int max = 64 * 1024;
    FrameFormat format = FrameFormat.builder().maxFrameLength(max).build();
    // Every fourth offset claims a byte more than the one before: 32 KiB, 32 KiB + 1, ... 64 KiB - 1,
    // then again from 32 KiB; the offsets between are too long or short.
    ByteBuffer hostile = ByteBuffer.allocate(1 << 20);
    for (int i = 0; hostile.hasRemaining(); i++) {
      hostile.putInt(32 * 1024 + i % (32 * 1024));
    }
    long moved = bytesMovedSkippingByteByByte(hostile.array(), format);
    assertTrue(moved <= hostile.capacity() + 8L * (4 + max), moved + " bytes moved to skip " + hostile.capacity());
  }
}
