package dev.parley.runtime;

import static dev.parley.runtime.HeaderField.field;
import static dev.parley.runtime.HeaderField.typeId;
import static dev.parley.runtime.HeaderField.varintLength;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * MQTT 3.1.1's framing (section 2.2): a byte of packet type (the high 4 bits) and flags (the low
 * 4), then the remaining length, a variable byte integer of 1 to 4 bytes counting the bytes after
 * it. Frames are encoded by a model written here, not by the format; the reader cuts them from
 * every chunking, refuses every varint it must before allocating, and says what a stream cut
 * inside one is missing; the writer writes the same bytes. Failures of the seeded properties name
 * their seed; {@code -Dparley.seed=N} replays.
 */
class HeaderMqttFramingTest {

  static final FrameFormat MQTT = FrameFormat.builder()
      .header(List.of(typeId("packet_type", 1).bits(4), field("flags", 1).bits(4),
          varintLength("remaining_length", 4, LengthCounts.FOLLOWING)))
      .build();
  /** Large enough for a remaining length of 2,097,152, whose varint takes 4 bytes. */
  static final FrameFormat MQTT_LARGE = MQTT.toBuilder().maxFrameLength(3 << 20).build();

  /** The remaining length as MQTT 3.1.1 section 2.2.3 encodes it, written out here for the model. */
  static byte[] varint(int value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int x = value;
    do {
      int digit = x % 128;
      x /= 128;
      out.write(x > 0 ? digit | 0x80 : digit);
    } while (x > 0);
    return out.toByteArray();
  }

  /** One frame of the model: its type, flags, body and bytes. */
  record Frame(int type, int flags, byte[] body, byte[] bytes) {
    HeaderRawProtocol.Frame message() {
      return new HeaderRawProtocol.Frame(Map.of("packet_type", (long) type, "flags", (long) flags), Bytes.of(body));
    }
  }

  static Frame frame(int type, int flags, byte[] body) {
    byte[] length = varint(body.length);
    byte[] bytes = new byte[1 + length.length + body.length];
    bytes[0] = (byte) (type << 4 | flags);
    System.arraycopy(length, 0, bytes, 1, length.length);
    System.arraycopy(body, 0, bytes, 1 + length.length, body.length);
    return new Frame(type, flags, body, bytes);
  }

  static Frame frame(SplittableRandom rnd, int size) {
    byte[] body = new byte[size];
    for (int k = 0; k < size; k++) {
      body[k] = (byte) rnd.nextInt(256);
    }
    return frame(rnd.nextInt(16), rnd.nextInt(16), body);
  }

  private static ByteBuffer hex(String hex) {
    return ByteBuffer.wrap(Bytes.fromHex(hex.replace(" ", "")).toByteArray());
  }

  private static void feedAll(FrameReader reader, ByteBuffer chunk) throws ProtocolException {
    for (int i = 0; chunk.hasRemaining(); i++) {
      assertTrue(reader.feed(chunk) > 0 && i < 1000, "the reader takes bytes while no complete frame waits");
    }
  }

  private static byte[] stream(List<Frame> frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    frames.forEach(f -> out.writeBytes(f.bytes()));
    return out.toByteArray();
  }

  /**
   * Cuts {@code stream} in chunks of {@code chunkSize} (random sizes up to it when {@code random}),
   * and checks that the frames come out whole, each at its stream offset, and decode to theirs.
   */
  private static void cut(FrameFormat format, List<Frame> frames, int bufferSize, SplittableRandom rnd, int chunkSize,
      boolean random, Supplier<String> where) throws Exception {
    byte[] stream = stream(frames);
    HeaderRawProtocol protocol = new HeaderRawProtocol(format);
    FrameReader reader = new FrameReader(format, bufferSize);
    int next = 0;
    long boundary = 0;
    int largest = frames.stream().mapToInt(f -> f.bytes().length).max().orElse(0);
    for (int at = 0; at < stream.length; ) {
      int chunk = random ? 1 + rnd.nextInt(chunkSize) : chunkSize;
      ByteBuffer piece = ByteBuffer.wrap(stream, at, Math.min(chunk, stream.length - at));
      at += piece.remaining();
      for (int spins = 0; piece.hasRemaining(); spins++) {
        assertTrue(spins < 1_000_000, "bounded");
        reader.feed(piece);
        for (ByteBuffer view = reader.nextFrame(); view != null; view = reader.nextFrame()) {
          Frame expected = frames.get(next++);
          int n = next;
          assertEquals(Bytes.of(expected.bytes()), Bytes.read(view.duplicate(), view.remaining()),
              () -> where.get() + ", frame " + n);
          assertEquals(expected.message(), protocol.decode(view), where);
          boundary += expected.bytes().length;
          assertEquals(boundary, reader.consumed(), where);
        }
      }
      assertTrue(reader.capacity() <= Math.max(bufferSize, largest),
          () -> where.get() + ": one partial frame plus one read buffer at most, but " + reader.capacity());
    }
    reader.endOfStream();
    assertEquals(frames.size(), next, where);
  }

  /** The frames' bytes as the writer writes them, through a channel that takes a few bytes at a time. */
  private static byte[] written(FrameFormat format, List<Frame> frames, long seed) throws Exception {
    HeaderRawProtocol protocol = new HeaderRawProtocol(format);
    int maxPending = (int) Math.max(FrameWriter.DEFAULT_MAX_PENDING, format.largestFrameSize());
    FrameWriter<HeaderRawProtocol.Frame> writer = new FrameWriter<>(protocol, maxPending);
    ChunkyChannel channel = new ChunkyChannel(seed, 1 << 16);
    for (Frame frame : frames) {
      assertTrue(writer.enqueue(frame.message()));
      for (int spins = 0; writer.hasPending(); spins++) {
        writer.flushTo(channel);
        assertTrue(spins < 10_000_000, "bounded");
      }
    }
    return channel.written();
  }

  @Test
  void remainingLengthsOfOneToFourBytesAreCutFromEveryChunking() throws Exception {
    int[] lengths = {0, 127, 128, 16383, 16384, 2_097_152};
    String[] varints = {"00", "7f", "8001", "ff7f", "808001", "80808001"};
    SplittableRandom rnd = new SplittableRandom(11);
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < lengths.length; i++) {
      Frame frame = frame(rnd, lengths[i]);
      assertEquals(varints[i], Bytes.of(frame.bytes(), 1, varints[i].length() / 2).hex(), "the model's varint");
      frames.add(frame);
      frames.add(frame(12, 0, new byte[0])); // PINGREQ, c0 00, between each two
    }
    assertEquals("c000", Bytes.of(frames.get(1).bytes()).hex());
    byte[] stream = stream(frames);
    assertEquals(Bytes.of(stream), Bytes.of(written(MQTT_LARGE, frames, 3)), "the writer writes the model's bytes");
    cut(MQTT_LARGE, frames, 64, rnd, 1, false, () -> "a byte at a time");
    cut(MQTT_LARGE, frames, 64, rnd, 2, false, () -> "two bytes at a time");
    cut(MQTT_LARGE, frames, 2, rnd, 3, false, () -> "three bytes at a time, the smallest buffer");
    cut(MQTT_LARGE, frames, 256, rnd, 50, true, () -> "random splits of up to 50 bytes");
    cut(MQTT_LARGE, frames, 4096, rnd, stream.length, true, () -> "random splits of any size");
    cut(MQTT_LARGE, frames, FrameReader.DEFAULT_BUFFER_SIZE, rnd, stream.length, false, () -> "in one read");
    // Small frames, many in one read: every frame but the last whole in the first feed.
    List<Frame> small = new ArrayList<>();
    for (int size : new int[] {0, 1, 126, 127, 128, 129, 300, 0}) {
      small.add(frame(rnd, size));
    }
    cut(MQTT, small, FrameReader.DEFAULT_BUFFER_SIZE, rnd, stream(small).length, false, () -> "several frames a read");
  }

  @Test
  void aRemainingLengthAboveTheMaximumIsRefusedBeforeAllocating() throws Exception {
    FrameReader reader = new FrameReader(MQTT);
    feedAll(reader, hex("c0 00"));
    assertEquals(2, reader.nextFrame().remaining());
    // 2,097,152 after the 5-byte header is a frame of 2,097,157 bytes: above the default mebibyte.
    ByteBuffer chunk = hex("30 80 80 80 01 0000");
    for (int k = 1; k <= 4; k++) {
      reader.feed(chunk.slice().limit(1));
      chunk.position(k);
      assertNull(reader.nextFrame(), "the varint is not complete after " + k + " bytes");
    }
    FrameTooLongException e = assertThrows(FrameTooLongException.class, () -> reader.feed(chunk.slice().limit(1)));
    assertEquals(2_097_157, e.length(), "the whole frame: the type byte, 4 bytes of varint and what they count");
    assertEquals(1 << 20, e.maxFrameLength());
    assertEquals(2, e.offset(), "the frame's stream offset");
    assertEquals(FrameReader.MIN_BUFFER_SIZE, reader.capacity(), "nothing was allocated for it");
    assertThrows(FrameTooLongException.class, reader::nextFrame, "refused again until skipped");

    // At the edge of a smaller maximum: 200 bytes is a frame, 201 is not.
    FrameFormat capped = MQTT.toBuilder().maxFrameLength(200).build();
    FrameReader edge = new FrameReader(capped, 16);
    ByteBuffer largest = ByteBuffer.wrap(frame(3, 0, new byte[197]).bytes());
    feedAll(edge, largest);
    assertEquals(200, edge.nextFrame().remaining(), "1 + 2 + 197");
    FrameTooLongException above = assertThrows(FrameTooLongException.class, () -> edge.feed(hex("30 c6 01")));
    assertEquals(201, above.length());
    assertTrue(edge.capacity() <= 256, "the read buffer and nothing more: " + edge.capacity());
  }

  @Test
  void aVarintLongerThanItsFourBytesIsRefusedAtItsFourthByte() throws Exception {
    FrameReader reader = new FrameReader(MQTT, 16);
    feedAll(reader, hex("d0 00")); // PINGRESP
    assertEquals("d000", Bytes.read(reader.nextFrame(), 2).hex());
    ByteBuffer chunk = hex("30 ff ff ff ff 01");
    for (int k = 1; k <= 4; k++) {
      reader.feed(chunk.slice().limit(1));
      chunk.position(k);
    }
    MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> reader.feed(chunk.slice().limit(1)));
    assertEquals("remaining_length", e.path());
    assertEquals("varint length longer than its 4 bytes at most: the last of them has its continuation bit set",
        e.problem());
    assertEquals(3, e.offset(), "the stream offset of the varint");
    assertEquals(5, reader.buffered(), "refused with the 4 bytes that say so, before a fifth");
    assertEquals(16, reader.capacity());
    FrameReader atOnce = new FrameReader(MQTT);
    assertThrows(MalformedFrameException.class, () -> atOnce.feed(hex("30 80 80 80 80 01")));
  }

  @Test
  void aVarintNotInItsFewestBytesIsRefused() throws Exception {
    FrameReader zero = new FrameReader(MQTT, 16);
    MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> zero.feed(hex("30 80 00")));
    assertEquals("remaining_length", e.path());
    assertEquals("varint length 0 in 2 bytes, where 1 hold it: only the shortest encoding is accepted", e.problem());
    assertEquals(1, e.offset());
    assertEquals("remaining_length: varint length 0 in 2 bytes, where 1 hold it: only the shortest encoding is"
        + " accepted, at offset 1", e.getMessage());
    FrameReader three = new FrameReader(MQTT, 16);
    MalformedFrameException padded = assertThrows(MalformedFrameException.class, () -> three.feed(hex("30 ff 80 00")));
    assertEquals("varint length 127 in 3 bytes, where 1 hold it: only the shortest encoding is accepted",
        padded.problem());
    FrameReader minimal = new FrameReader(MQTT, 16);
    feedAll(minimal, hex("30 80 01"));
    assertNull(minimal.nextFrame(), "128 in 2 bytes is the shortest: the reader waits for the 128");
  }

  @Test
  void aStreamEndingInsideTheVarintIsATruncatedHeader() throws Exception {
    String[] cuts = {"30", "30 80", "30 80 80", "30 80 80 80"};
    for (String cut : cuts) {
      FrameReader reader = new FrameReader(MQTT);
      feedAll(reader, hex(cut));
      assertNull(reader.nextFrame());
      TruncatedFrameException e = assertThrows(TruncatedFrameException.class, reader::endOfStream, cut);
      int have = hex(cut).remaining();
      assertEquals("stream ended inside a frame header: " + have + " of at least " + (have + 1) + " bytes",
          e.getMessage(), cut);
      assertEquals(1, e.missing(), cut);
      assertEquals(0, e.offset(), cut);
    }
    FrameReader afterHeader = new FrameReader(MQTT);
    feedAll(afterHeader, hex("30 80 01 00"));
    TruncatedFrameException frame = assertThrows(TruncatedFrameException.class, afterHeader::endOfStream);
    assertEquals("stream ended inside a frame: 4 of 131 bytes, 127 missing", frame.getMessage());
    FrameReader refused = new FrameReader(MQTT);
    assertThrows(MalformedFrameException.class, () -> refused.feed(hex("30 80 00")));
    TruncatedFrameException why = assertThrows(TruncatedFrameException.class, refused::endOfStream);
    assertEquals(0, why.missing(), "the varint is all there: nothing of the header is missing");
    assertTrue(why.getCause() instanceof MalformedFrameException, "why the frame has no size");
  }

  @Test
  void theWriterChecksAVarintLengthAsTheReaderReadsIt() throws Exception {
    HeaderRawProtocol honest = new HeaderRawProtocol(MQTT);
    HeaderRawProtocol.Frame publish = frame(3, 2, new byte[] {0, 1, 'a', 'x'}).message();
    FrameWriter<HeaderRawProtocol.Frame> writer = new FrameWriter<>(honest);
    assertTrue(writer.enqueue(publish));
    assertEquals(6, writer.pending());
    // A protocol that writes its varint in 2 bytes, 04 as 84 00, and promises the byte more.
    Protocol<HeaderRawProtocol.Frame> padded = new Protocol<>() {
      @Override
      public FrameFormat frameFormat() {
        return MQTT;
      }

      @Override
      public int encodedSize(HeaderRawProtocol.Frame message) {
        return honest.encodedSize(message) + 1;
      }

      @Override
      public void encode(HeaderRawProtocol.Frame message, ByteBuffer out) {
        out.put((byte) 0x32).put((byte) 0x84).put((byte) 0).put(message.body().toByteArray());
      }

      @Override
      public HeaderRawProtocol.Frame decode(ByteBuffer frame) throws ProtocolException {
        return honest.decode(frame);
      }
    };
    FrameWriter<HeaderRawProtocol.Frame> paddedWriter = new FrameWriter<>(padded);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> paddedWriter.enqueue(publish));
    assertEquals("the protocol wrote 7 bytes of Frame whose varint length 'remaining_length' a reader refuses"
        + " (remaining_length: varint length 4 in 2 bytes, where 1 hold it: only the shortest encoding is accepted,"
        + " at offset 1); nothing was queued", e.getMessage());
    assertEquals(0, paddedWriter.pending());
    // One that counts the header in the length, as if it counted the frame.
    Protocol<HeaderRawProtocol.Frame> counted = new Protocol<>() {
      @Override
      public FrameFormat frameFormat() {
        return MQTT;
      }

      @Override
      public int encodedSize(HeaderRawProtocol.Frame message) {
        return honest.encodedSize(message);
      }

      @Override
      public void encode(HeaderRawProtocol.Frame message, ByteBuffer out) {
        out.put((byte) 0x32).put((byte) (2 + message.body().size())).put(message.body().toByteArray());
      }

      @Override
      public HeaderRawProtocol.Frame decode(ByteBuffer frame) throws ProtocolException {
        return honest.decode(frame);
      }
    };
    FrameWriter<HeaderRawProtocol.Frame> countedWriter = new FrameWriter<>(counted);
    IllegalStateException wrong = assertThrows(IllegalStateException.class, () -> countedWriter.enqueue(publish));
    assertEquals("the protocol wrote 6 bytes of Frame, but its varint length 'remaining_length' makes a frame of 8"
        + " bytes; nothing was queued", wrong.getMessage());
    assertEquals(0, countedWriter.pending());
    FrameWriter<HeaderRawProtocol.Frame> headerOnly = new FrameWriter<>(honest);
    assertTrue(headerOnly.enqueue(frame(12, 0, new byte[0]).message()), "a PINGREQ: the 2-byte header alone");
    assertEquals(2, headerOnly.pending());
  }

  @Test
  void aBitFieldTypeIdGivesFixedFrameSizesByItsBits() throws Exception {
    FrameFormat format = FrameFormat.builder()
        .header(List.of(typeId("kind", 1).bits(3), field("flags", 1).bits(5), field("value", 1)))
        .fixedFrameSize(1, 2).fixedFrameSize(7, 4).build();
    assertEquals("FrameFormat[u3 kind type_id, u5 flags, u8 value, big-endian, max=4, fixed sizes {0x1=2, 0x7=4}]",
        format.toString());
    assertEquals(1, format.sizeKnownAfter(), "the type id's byte");
    assertThrows(IllegalArgumentException.class, () -> format.toBuilder().fixedFrameSize(8, 2).build(),
        "8 is beyond 3 bits");
    FrameReader reader = new FrameReader(format, 16);
    feedAll(reader, hex("3f aa  e0 00 0102  40"));
    assertEquals("3faa", Bytes.read(reader.nextFrame(), 2).hex(), "kind 1 (001), flags 31");
    ByteBuffer four = reader.nextFrame();
    assertEquals(new HeaderRawProtocol.Frame(Map.of("kind", 7L, "flags", 0L, "value", 0L), Bytes.fromHex("0102")),
        new HeaderRawProtocol(format).decode(four));
    MalformedFrameException e = assertThrows(MalformedFrameException.class, reader::nextFrame);
    assertEquals("kind", e.path());
    assertEquals("unknown type id 0x2: no frame size for it", e.problem());
    assertEquals(6, e.offset());

    HeaderRawProtocol protocol = new HeaderRawProtocol(format);
    FrameWriter<HeaderRawProtocol.Frame> writer = new FrameWriter<>(protocol);
    assertTrue(writer.enqueue(protocol.frame(Map.of("kind", 7L, "flags", 3L, "value", 9L), Bytes.fromHex("0102"))));
    IllegalStateException wrongSize = assertThrows(IllegalStateException.class,
        () -> writer.enqueue(protocol.frame(Map.of("kind", 1L, "flags", 0L, "value", 0L), Bytes.fromHex("01"))));
    assertTrue(wrongSize.getMessage().contains("of type id 0x1, whose fixed size is 2"), wrongSize.getMessage());
    ChunkyChannel channel = new ChunkyChannel(5, 100);
    for (int spins = 0; writer.hasPending(); spins++) {
      writer.flushTo(channel);
      assertTrue(spins < 10_000, "bounded");
    }
    assertEquals("e3090102", Bytes.of(channel.written()).hex());
  }

  /** A body size that puts the varint near each of its 1-, 2- and 3-byte boundaries, or anywhere below. */
  private static int randomBodySize(SplittableRandom rnd) {
    return switch (rnd.nextInt(6)) {
      case 0 -> rnd.nextInt(4);
      case 1 -> 124 + rnd.nextInt(8); // 127 | 128
      case 2 -> 16380 + rnd.nextInt(8); // 16383 | 16384
      case 3 -> rnd.nextInt(20_000);
      default -> rnd.nextInt(300);
    };
  }

  @Test
  void randomMqttFramesAreCutFromAnySplitAndTheWriterWritesTheSameBytes() throws Exception {
    long seed = FramingPropertiesTest.seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    int runs = Math.max(150, Integer.getInteger("parley.values", 0) / 20);
    for (int run = 0; run < runs; run++) {
      int r = run;
      List<Frame> frames = new ArrayList<>();
      for (int i = rnd.nextInt(12); i > 0; i--) {
        frames.add(frame(rnd, randomBodySize(rnd)));
      }
      int strategy = rnd.nextInt(3);
      int bufferSize = 2 + rnd.nextInt(2000);
      Supplier<String> where = () -> "run " + r + ", strategy " + strategy + ", buffer " + bufferSize
          + "; rerun with -Dparley.seed=" + seed;
      assertEquals(Bytes.of(stream(frames)), Bytes.of(written(MQTT, frames, rnd.nextLong())), where);
      switch (strategy) {
        case 0 -> cut(MQTT, frames, bufferSize, rnd, 1, false, where);
        case 1 -> cut(MQTT, frames, bufferSize, rnd, 50, true, where);
        default -> cut(MQTT, frames, bufferSize, rnd, Math.max(1, stream(frames).length), true, where);
      }
    }
  }

  @Test
  void anMqttStreamCutAnywhereSaysHowManyBytesAreMissing() throws Exception {
    long seed = FramingPropertiesTest.seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    int runs = Math.max(100, Integer.getInteger("parley.values", 0) / 50);
    for (int run = 0; run < runs; run++) {
      int r = run;
      Frame before = frame(rnd, rnd.nextInt(5));
      Frame frame = frame(rnd, rnd.nextBoolean() ? rnd.nextInt(200) : 16380 + rnd.nextInt(8));
      byte[] bytes = frame.bytes();
      int header = bytes.length - frame.body().length;
      // Every cut in the header, and some in the body.
      int[] cuts = new int[header + 3];
      for (int i = 0; i < header; i++) {
        cuts[i] = i + 1;
      }
      for (int i = header; i < cuts.length; i++) {
        cuts[i] = header + rnd.nextInt(bytes.length - header + 1);
      }
      for (int cut : cuts) {
        Supplier<String> where = () -> "run " + r + ", cut after " + cut + " of " + bytes.length
            + "; rerun with -Dparley.seed=" + seed;
        FrameReader reader = new FrameReader(MQTT, 2);
        feedAll(reader, ByteBuffer.wrap(before.bytes()));
        assertEquals(before.bytes().length, reader.nextFrame().remaining(), where);
        feedAll(reader, ByteBuffer.wrap(bytes, 0, cut));
        if (cut == bytes.length) {
          assertEquals(bytes.length, reader.nextFrame().remaining(), where);
          reader.endOfStream();
          continue;
        }
        assertNull(reader.nextFrame(), where);
        TruncatedFrameException e = assertThrows(TruncatedFrameException.class, reader::endOfStream, where);
        if (cut < header) {
          assertEquals("stream ended inside a frame header: " + cut + " of at least " + (cut + 1) + " bytes",
              e.getMessage(), where);
          assertEquals(1, e.missing(), where);
        } else {
          assertEquals("stream ended inside a frame: " + cut + " of " + bytes.length + " bytes, "
              + (bytes.length - cut) + " missing", e.getMessage(), where);
          assertEquals(bytes.length - cut, e.missing(), where);
        }
        assertEquals(before.bytes().length, e.offset(), where);
      }
    }
  }
}
