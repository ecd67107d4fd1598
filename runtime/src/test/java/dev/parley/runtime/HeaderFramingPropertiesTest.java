package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Seeded properties of header formats over random layouts: any number of fields of any width,
 * signedness and byte order, the length and the type id anywhere or nowhere, the length counting
 * any of what it may. Frames are encoded by a model written here (not by the format), split
 * anywhere and cut back exactly; every impossible length is refused before the reader grows;
 * a stream cut anywhere in a frame says what is missing. Failures name their seed;
 * {@code -Dparley.seed=N} replays.
 */
class HeaderFramingPropertiesTest {

  private static final int[] WIDTHS = {1, 2, 3, 4, 8};

  /** A random layout and what the model knows of it, worked out without the format's help. */
  record Layout(FrameFormat format, List<HeaderField> fields, int[] offsets, ByteOrder[] orders, int headerSize,
      int lengthIndex, int typeIdIndex, Map<Long, Integer> fixedSizes) {

    HeaderField length() {
      return fields.get(lengthIndex);
    }

    /** The value the length carries for a frame of {@code size} bytes, from what it counts. */
    long lengthValue(long size) {
      int at = offsets[lengthIndex];
      return switch (length().counts()) {
        case FOLLOWING -> size - at - length().size();
        case ITSELF_AND_FOLLOWING -> size - at;
        case FRAME -> size;
        case BODY -> size - headerSize;
      };
    }

    /** The bytes of a frame the reader needs to know its size. */
    int sizeKnownAfter() {
      if (lengthIndex >= 0) {
        return offsets[lengthIndex] + length().size();
      }
      return typeIdIndex >= 0 ? offsets[typeIdIndex] + fields.get(typeIdIndex).size() : 0;
    }

    /** The frame with {@code values} (one per field; the length's is ignored) and {@code body}. */
    byte[] encode(long[] values, byte[] body) {
      int size = headerSize + body.length;
      byte[] frame = new byte[size];
      for (int i = 0; i < fields.size(); i++) {
        long value = i == lengthIndex ? lengthValue(size) : values[i];
        put(frame, offsets[i], fields.get(i).size(), orders[i], value);
      }
      System.arraycopy(body, 0, frame, headerSize, body.length);
      return frame;
    }

    static void put(byte[] frame, int at, int width, ByteOrder order, long value) {
      for (int k = 0; k < width; k++) {
        int shift = order == ByteOrder.BIG_ENDIAN ? 8 * (width - 1 - k) : 8 * k;
        frame[at + k] = (byte) (value >>> shift);
      }
    }

    /** The message {@link HeaderRawProtocol} decodes {@code values} and {@code body} into. */
    HeaderRawProtocol.Frame message(long[] values, byte[] body) {
      Map<String, Long> named = new LinkedHashMap<>();
      for (int i = 0; i < fields.size(); i++) {
        if (i != lengthIndex) {
          named.put(fields.get(i).name(), values[i]);
        }
      }
      return new HeaderRawProtocol.Frame(named, Bytes.of(body));
    }
  }

  private static long randomValue(SplittableRandom rnd, int width, boolean signed) {
    int unused = 64 - 8 * width;
    long bits = rnd.nextLong();
    return signed ? bits << unused >> unused : bits << unused >>> unused;
  }

  private static HeaderField withOrder(SplittableRandom rnd, HeaderField field, ByteOrder[] order) {
    int pick = rnd.nextInt(3);
    order[0] = pick == 0 ? ByteOrder.BIG_ENDIAN : pick == 1 ? ByteOrder.LITTLE_ENDIAN : null;
    return order[0] == null ? field : field.order(order[0]);
  }

  /** A random layout that builds; some random choices make none (a u8 length under a long header), and are drawn again. */
  static Layout randomLayout(SplittableRandom rnd, Supplier<String> where) {
    for (int attempt = 0; attempt < 100; attempt++) {
      try {
        return tryLayout(rnd);
      } catch (IllegalArgumentException e) {
        // drawn again
      }
    }
    throw new AssertionError(where.get() + ": no layout built in 100 attempts");
  }

  private static Layout tryLayout(SplittableRandom rnd) {
    ByteOrder formatOrder = rnd.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    List<HeaderField> fields = new ArrayList<>();
    List<ByteOrder> orders = new ArrayList<>();
    ByteOrder[] own = new ByteOrder[1];
    for (int i = rnd.nextInt(7); i > 0; i--) {
      int width = WIDTHS[rnd.nextInt(WIDTHS.length)];
      boolean signed = rnd.nextBoolean();
      HeaderField field = rnd.nextInt(4) == 0
          ? HeaderField.constant("c" + fields.size(), width, randomValue(rnd, width, signed))
          : HeaderField.field("f" + fields.size(), width);
      fields.add(withOrder(rnd, signed ? field.signed() : field, own));
      orders.add(own[0] == null ? formatOrder : own[0]);
    }
    boolean hasLength = rnd.nextInt(5) != 0;
    boolean hasTypeId = rnd.nextInt(3) != 0;
    if (hasLength) {
      HeaderField length = HeaderField.length("length", WIDTHS[rnd.nextInt(WIDTHS.length)],
          LengthCounts.values()[rnd.nextInt(LengthCounts.values().length)]);
      int at = rnd.nextInt(fields.size() + 1);
      fields.add(at, withOrder(rnd, rnd.nextBoolean() ? length.signed() : length, own));
      orders.add(at, own[0] == null ? formatOrder : own[0]);
    }
    if (hasTypeId) {
      HeaderField typeId = HeaderField.typeId("type_id", 1 + rnd.nextInt(4));
      int at = rnd.nextInt(fields.size() + 1);
      fields.add(at, withOrder(rnd, rnd.nextBoolean() ? typeId.signed() : typeId, own));
      orders.add(at, own[0] == null ? formatOrder : own[0]);
    }
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("no fields: drawn again");
    }
    int[] offsets = new int[fields.size()];
    int headerSize = 0;
    int lengthIndex = -1;
    int typeIdIndex = -1;
    for (int i = 0; i < fields.size(); i++) {
      offsets[i] = headerSize;
      headerSize += fields.get(i).size();
      lengthIndex = fields.get(i).role() == HeaderField.Role.LENGTH ? i : lengthIndex;
      typeIdIndex = fields.get(i).role() == HeaderField.Role.TYPE_ID ? i : typeIdIndex;
    }
    FrameFormat.Builder builder = FrameFormat.builder().byteOrder(formatOrder).header(fields);
    Map<Long, Integer> fixedSizes = new TreeMap<>();
    if (!hasLength && hasTypeId) {
      HeaderField typeId = fields.get(typeIdIndex);
      for (int i = 1 + rnd.nextInt(5); i > 0; i--) {
        fixedSizes.put(randomValue(rnd, typeId.size(), typeId.isSigned()), headerSize + rnd.nextInt(300));
      }
      fixedSizes.forEach(builder::fixedFrameSize);
    } else if (!hasLength) {
      int size = headerSize + rnd.nextInt(300);
      fixedSizes.put(0L, size); // the model's key for the one size
      builder.fixedFrameSize(size);
    }
    if (hasLength && rnd.nextBoolean()) {
      builder.maxFrameLength(headerSize + rnd.nextInt(rnd.nextBoolean() ? 100 : 80_000));
    }
    FrameFormat format = builder.build();
    return new Layout(format, List.copyOf(fields), offsets, orders.toArray(new ByteOrder[0]), headerSize,
        lengthIndex, typeIdIndex, fixedSizes);
  }

  /** One frame of the model: its field values, body, bytes and message. */
  record Frame(long[] values, byte[] body, byte[] bytes, HeaderRawProtocol.Frame message) {}

  /** A random frame of {@code layout}: any values that fit, a body that makes a size the format takes. */
  static Frame randomFrame(SplittableRandom rnd, Layout layout) {
    long[] values = new long[layout.fields().size()];
    for (int i = 0; i < values.length; i++) {
      HeaderField field = layout.fields().get(i);
      values[i] = field.role() == HeaderField.Role.CONSTANT ? field.constant()
          : randomValue(rnd, field.size(), field.isSigned());
    }
    int bodySize;
    if (layout.lengthIndex() >= 0) {
      int maxBody = layout.format().maxFrameLength() - layout.headerSize();
      bodySize = switch (rnd.nextInt(8)) {
        case 0 -> 0;
        case 1 -> Math.min(maxBody, 70_000); // the largest, or larger than the read buffer
        case 2 -> Math.min(maxBody, rnd.nextInt(5000));
        default -> Math.min(maxBody, rnd.nextInt(200));
      };
    } else {
      List<Long> ids = List.copyOf(layout.fixedSizes().keySet());
      long id = ids.get(rnd.nextInt(ids.size()));
      if (layout.typeIdIndex() >= 0) {
        values[layout.typeIdIndex()] = id;
      }
      bodySize = layout.fixedSizes().get(id) - layout.headerSize();
    }
    byte[] body = new byte[bodySize];
    for (int k = 0; k < bodySize; k++) {
      body[k] = (byte) rnd.nextInt(256);
    }
    return new Frame(values, body, layout.encode(values, body), layout.message(values, body));
  }

  @Test
  void randomLayoutsCutAnySplitOfAnyFrameSequenceExactlyAndTheWriterWritesTheSameBytes() throws Exception {
    long seed = FramingPropertiesTest.seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    int runs = Math.max(300, Integer.getInteger("parley.values", 0) / 20);
    for (int run = 0; run < runs; run++) {
      int r = run;
      Supplier<String> where = () -> "run " + r + "; rerun with -Dparley.seed=" + seed;
      Layout layout = randomLayout(rnd, where);
      Supplier<String> what = () -> where.get() + ", " + layout.format();
      HeaderRawProtocol protocol = new HeaderRawProtocol(layout.format());
      List<Frame> frames = new ArrayList<>();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = rnd.nextInt(30); i > 0; i--) {
        Frame frame = randomFrame(rnd, layout);
        frames.add(frame);
        out.writeBytes(frame.bytes());
      }
      byte[] stream = out.toByteArray();

      int maxPending = (int) Math.max(FrameWriter.DEFAULT_MAX_PENDING, layout.format().largestFrameSize());
      FrameWriter<HeaderRawProtocol.Frame> writer = new FrameWriter<>(protocol, maxPending);
      ChunkyChannel channel = new ChunkyChannel(rnd.nextLong(), 1 + rnd.nextInt(5000));
      for (Frame frame : frames) {
        assertTrue(writer.enqueue(frame.message()), what);
        for (int spins = 0; writer.pending() > maxPending / 2; spins++) {
          writer.flushTo(channel);
          assertTrue(spins < 10_000_000, "bounded");
        }
      }
      for (int spins = 0; writer.hasPending(); spins++) {
        writer.flushTo(channel);
        assertTrue(spins < 10_000_000, "bounded");
      }
      assertEquals(Bytes.of(stream), Bytes.of(channel.written()), what);

      int bufferSize = Math.max(1, layout.sizeKnownAfter()) + rnd.nextInt(2000);
      FrameReader reader = new FrameReader(layout.format(), bufferSize);
      int strategy = rnd.nextInt(3);
      int largestFrame = frames.stream().mapToInt(f -> f.bytes().length).max().orElse(0);
      int next = 0;
      long boundary = 0;
      for (int at = 0; at < stream.length; ) {
        int chunk = switch (strategy) {
          case 0 -> 1;
          case 1 -> 1 + rnd.nextInt(50);
          default -> 1 + rnd.nextInt(stream.length);
        };
        ByteBuffer piece = ByteBuffer.wrap(stream, at, Math.min(chunk, stream.length - at));
        at += piece.remaining();
        while (piece.hasRemaining()) {
          reader.feed(piece);
          for (ByteBuffer view = reader.nextFrame(); view != null; view = reader.nextFrame()) {
            Frame expected = frames.get(next++);
            assertEquals(Bytes.of(expected.bytes()), Bytes.read(view.duplicate(), view.remaining()), what);
            assertEquals(expected.message(), protocol.decode(view), what);
            boundary += expected.bytes().length;
            assertEquals(boundary, reader.consumed(), what);
          }
        }
        assertTrue(reader.capacity() <= Math.max(bufferSize, largestFrame),
            () -> what.get() + ": one partial frame plus one read buffer at most, but " + reader.capacity());
      }
      reader.endOfStream();
      assertEquals(frames.size(), next, what);
      assertTrue(reader.bytesMoved() <= 3L * stream.length,
          () -> what.get() + ": " + reader.bytesMoved() + " bytes moved for a stream of " + stream.length);
    }
  }

  /** The header of a frame of {@code layout} with {@code length} as its length, other values random. */
  private static byte[] headerWithLength(SplittableRandom rnd, Layout layout, long length) {
    byte[] header = new byte[layout.headerSize()];
    for (int i = 0; i < layout.fields().size(); i++) {
      HeaderField field = layout.fields().get(i);
      long value = i == layout.lengthIndex() ? length
          : field.role() == HeaderField.Role.CONSTANT ? field.constant() : randomValue(rnd, field.size(), field.isSigned());
      Layout.put(header, layout.offsets()[i], field.size(), layout.orders()[i], value);
    }
    return header;
  }

  @Test
  void everyImpossibleLengthIsRefusedBeforeTheReaderGrowsBeyondItsSmallestBuffer() throws Exception {
    long seed = FramingPropertiesTest.seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    int runs = Math.max(300, Integer.getInteger("parley.values", 0) / 20);
    int refusals = 0;
    for (int run = 0; run < runs; run++) {
      int r = run;
      Supplier<String> where = () -> "run " + r + "; rerun with -Dparley.seed=" + seed;
      Layout layout = randomLayout(rnd, where);
      Supplier<String> what = () -> where.get() + ", " + layout.format();
      Frame before = randomFrame(rnd, layout);
      if (before.bytes().length > 1000) {
        continue; // the frame before is only there to make the stream offsets non-zero
      }
      long start = before.bytes().length;
      if (layout.lengthIndex() < 0) {
        if (layout.typeIdIndex() < 0) {
          continue; // every frame has the one size: nothing to refuse
        }
        HeaderField typeId = layout.fields().get(layout.typeIdIndex());
        long unknown = randomValue(rnd, typeId.size(), typeId.isSigned());
        if (layout.fixedSizes().containsKey(unknown)) {
          continue;
        }
        byte[] header = new byte[layout.headerSize()];
        Layout.put(header, layout.offsets()[layout.typeIdIndex()], typeId.size(), layout.orders()[layout.typeIdIndex()],
            unknown);
        MalformedFrameException e = refuse(rnd, layout, before, header, MalformedFrameException.class, what);
        assertEquals("type_id", e.path(), what);
        assertEquals("unknown type id " + hex(unknown, typeId) + ": no frame size for it", e.problem(), what);
        assertEquals(start + layout.offsets()[layout.typeIdIndex()], e.offset(), what);
        refusals++;
        continue;
      }
      HeaderField length = layout.length();
      List<Long> impossible = new ArrayList<>();
      if (length.isSigned()) {
        impossible.add(-1L);
        impossible.add(length.size() == 8 ? Long.MIN_VALUE : -(1L << (8 * length.size() - 1)));
        impossible.add(-1 - (rnd.nextLong() >>> (65 - 8 * length.size())));
      }
      long least = layout.lengthValue(layout.headerSize());
      for (long value = 0; value < least; value++) {
        impossible.add(value);
      }
      long aboveMax = layout.lengthValue(layout.format().maxFrameLength()) + 1;
      long largest = length.size() == 8 ? Long.MAX_VALUE
          : length.isSigned() ? (1L << (8 * length.size() - 1)) - 1 : (1L << (8 * length.size())) - 1;
      if (aboveMax <= largest) {
        impossible.add(aboveMax);
      }
      for (long value : impossible) {
        byte[] header = headerWithLength(rnd, layout, value);
        Supplier<String> which = () -> what.get() + ", length " + value;
        if (value < 0) {
          MalformedFrameException e = refuse(rnd, layout, before, header, MalformedFrameException.class, which);
          assertEquals("length", e.path(), which);
          assertEquals("negative length " + value, e.problem(), which);
          assertEquals(start + layout.offsets()[layout.lengthIndex()], e.offset(), which);
        } else if (value < least) {
          MalformedFrameException e = refuse(rnd, layout, before, header, MalformedFrameException.class, which);
          assertEquals("length", e.path(), which);
          assertTrue(e.problem().startsWith("length " + value + " is smaller than the")
              || e.problem().equals("length " + value + " would end the frame inside its " + layout.headerSize()
                  + "-byte header"), which.get() + ": " + e.problem());
          assertEquals(start + layout.offsets()[layout.lengthIndex()], e.offset(), which);
        } else {
          FrameTooLongException e = refuse(rnd, layout, before, header, FrameTooLongException.class, which);
          assertEquals(layout.format().maxFrameLength() + 1L, e.length(), which);
          assertEquals(start, e.offset(), which);
        }
        refusals++;
      }
    }
    assertTrue(refusals > runs, "refusals were tried: " + refusals);
  }

  private static String hex(long typeId, HeaderField field) {
    return field.isSigned() ? Long.toString(typeId) : "0x" + Long.toHexString(typeId);
  }

  /**
   * Feeds {@code before}, then {@code header} and some bytes after it, in random chunks, and
   * expects {@code refusal} the moment the bytes that give the frame's size are held, with the
   * reader holding no more than its smallest buffer; and again from nextFrame.
   */
  private static <E extends ProtocolException> E refuse(SplittableRandom rnd, Layout layout, Frame before,
      byte[] header, Class<E> refusal, Supplier<String> where) throws Exception {
    FrameReader reader = new FrameReader(layout.format());
    ByteBuffer first = ByteBuffer.wrap(before.bytes());
    while (first.hasRemaining()) {
      reader.feed(first);
    }
    assertEquals(Bytes.of(before.bytes()), Bytes.read(reader.nextFrame(), before.bytes().length), where);
    byte[] stream = new byte[header.length + rnd.nextInt(100)];
    System.arraycopy(header, 0, stream, 0, header.length);
    int known = layout.sizeKnownAfter();
    ByteBuffer rest = ByteBuffer.wrap(stream);
    E refused = null;
    for (int spins = 0; refused == null; spins++) {
      assertTrue(spins < 10_000 && rest.hasRemaining(), () -> where.get() + ": never refused");
      ByteBuffer chunk = rest.slice().limit(Math.min(rest.remaining(), 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 200)));
      int from = rest.position();
      try {
        reader.feed(chunk);
        assertTrue(reader.buffered() < known, () -> where.get() + ": " + reader.buffered() + " bytes held and no refusal");
      } catch (ProtocolException e) {
        assertTrue(refusal.isInstance(e), () -> where.get() + ": " + e);
        assertTrue(reader.buffered() >= known, where);
        refused = refusal.cast(e);
      }
      rest.position(from + chunk.position());
      assertTrue(reader.capacity() <= FrameReader.MIN_BUFFER_SIZE, () -> where.get() + ": capacity " + reader.capacity());
    }
    assertThrows(refusal, reader::nextFrame, where);
    assertThrows(refusal, reader::peekFrame, where);
    assertTrue(reader.capacity() <= FrameReader.MIN_BUFFER_SIZE, where);
    return refused;
  }

  @Test
  void aStreamCutAnywhereInAFrameSaysHowManyBytesAreMissing() throws Exception {
    long seed = FramingPropertiesTest.seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    int runs = Math.max(200, Integer.getInteger("parley.values", 0) / 50);
    for (int run = 0; run < runs; run++) {
      int r = run;
      Supplier<String> where = () -> "run " + r + "; rerun with -Dparley.seed=" + seed;
      Layout layout = randomLayout(rnd, where);
      Frame frame = randomFrame(rnd, layout);
      if (frame.bytes().length > 400) {
        continue; // every cut point of a large frame says nothing a small one does not
      }
      byte[] bytes = frame.bytes();
      int known = layout.sizeKnownAfter();
      for (int cut = 1; cut <= bytes.length; cut++) {
        int c = cut;
        Supplier<String> what = () -> where.get() + ", " + layout.format() + ", cut after " + c + " of " + bytes.length;
        FrameReader reader = new FrameReader(layout.format(), Math.max(1, known));
        ByteBuffer chunk = ByteBuffer.wrap(bytes, 0, cut);
        for (int spins = 0; chunk.hasRemaining(); spins++) {
          assertTrue(spins < 10_000, "bounded");
          reader.feed(chunk);
        }
        if (cut == bytes.length) {
          assertEquals(bytes.length, reader.nextFrame().remaining(), what);
          reader.endOfStream();
          continue;
        }
        assertNull(reader.nextFrame(), what);
        TruncatedFrameException e = assertThrows(TruncatedFrameException.class, reader::endOfStream, what);
        if (cut < known) {
          assertEquals(layout.headerSize() - cut, e.missing(), what);
          assertEquals("stream ended inside a frame header: " + cut + " of " + layout.headerSize() + " bytes",
              e.getMessage(), what);
        } else {
          assertEquals(bytes.length - cut, e.missing(), what);
          assertEquals("stream ended inside a frame: " + cut + " of " + bytes.length + " bytes, "
              + (bytes.length - cut) + " missing", e.getMessage(), what);
        }
        assertEquals(0, e.offset(), what);
      }
    }
  }
}
