package dev.parley.runtime;

import static dev.parley.runtime.HeaderField.constant;
import static dev.parley.runtime.HeaderField.field;
import static dev.parley.runtime.HeaderField.length;
import static dev.parley.runtime.HeaderField.typeId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The framings of existing protocols, each built through the builder, and frames of each worked
 * out by hand ({@code header-layouts.txt}): cut by the reader in any chunking into the values the
 * file gives, and written back by the writer byte for byte.
 */
class HeaderLayoutsTest {

  static final FrameFormat POSTGRES_TYPED = FrameFormat.builder()
      .header(List.of(typeId("tag", 1), length("length", 4, LengthCounts.ITSELF_AND_FOLLOWING).signed()))
      .build();
  static final FrameFormat POSTGRES_STARTUP = FrameFormat.builder()
      .header(List.of(length("length", 4, LengthCounts.ITSELF_AND_FOLLOWING).signed(), typeId("code", 4).signed()))
      .build();
  static final FrameFormat POSTGRES_SSL = FrameFormat.builder()
      .header(List.of(typeId("answer", 1)))
      .fixedFrameSize('N', 1)
      .fixedFrameSize('S', 1)
      .fixedFrameSize('G', 1)
      .build();
  static final FrameFormat MEMCACHED = FrameFormat.builder()
      .header(List.of(
          constant("magic", 1, 0x80),
          typeId("opcode", 1),
          field("key_length", 2),
          field("extras_length", 1),
          field("data_type", 1),
          field("vbucket", 2),
          length("body_length", 4, LengthCounts.BODY),
          field("opaque", 4),
          field("cas", 8)))
      .build();
  static final FrameFormat DNS = FrameFormat.builder()
      .header(List.of(length("length", 2, LengthCounts.FOLLOWING)))
      .build();
  static final FrameFormat MYSQL = FrameFormat.builder()
      .byteOrder(ByteOrder.LITTLE_ENDIAN)
      .header(List.of(length("length", 3, LengthCounts.BODY), field("sequence_id", 1)))
      .build();
  static final FrameFormat MODBUS = FrameFormat.builder()
      .header(List.of(
          field("transaction_id", 2),
          constant("protocol_id", 2, 0),
          length("length", 2, LengthCounts.FOLLOWING),
          field("unit_id", 1),
          typeId("function_code", 1)))
      .build();
  static final FrameFormat CASSANDRA = FrameFormat.builder()
      .header(List.of(
          field("version", 1),
          field("flags", 1),
          field("stream", 2).signed(),
          typeId("opcode", 1),
          length("length", 4, LengthCounts.BODY).signed()))
      .maxFrameLength(256 << 20) // the protocol's own limit: 256 MiB
      .build();
  static final FrameFormat DIAMETER = FrameFormat.builder()
      .header(List.of(
          constant("version", 1, 1),
          length("length", 3, LengthCounts.FRAME),
          field("flags", 1),
          typeId("command_code", 3),
          field("application_id", 4),
          field("hop_by_hop", 4),
          field("end_to_end", 4)))
      .build();
  static final FrameFormat KAFKA = FrameFormat.builder()
      .header(List.of(length("size", 4, LengthCounts.FOLLOWING).signed()))
      .build();
  static final FrameFormat MQTT = FrameFormat.builder()
      .header(List.of(
          typeId("packet_type", 1).bits(4),
          field("flags", 1).bits(4),
          HeaderField.varintLength("remaining_length", 4, LengthCounts.FOLLOWING)))
      .build();

  static final Map<String, FrameFormat> LAYOUTS = Map.ofEntries(
      Map.entry("postgres-typed", POSTGRES_TYPED),
      Map.entry("postgres-startup", POSTGRES_STARTUP),
      Map.entry("postgres-ssl", POSTGRES_SSL),
      Map.entry("memcached", MEMCACHED),
      Map.entry("dns", DNS),
      Map.entry("mysql", MYSQL),
      Map.entry("modbus", MODBUS),
      Map.entry("cassandra", CASSANDRA),
      Map.entry("diameter", DIAMETER),
      Map.entry("kafka", KAFKA),
      Map.entry("mqtt", MQTT));

  /** One frame of {@code header-layouts.txt}: its layout, its bytes, and what a reader finds in it. */
  record Example(String layout, int line, Bytes bytes, Map<String, Long> fields, Bytes body) {
    FrameFormat format() {
      FrameFormat format = LAYOUTS.get(layout);
      assertNotNull(format, () -> "line " + line + ": no layout '" + layout + "'");
      return format;
    }

    HeaderRawProtocol.Frame frame() {
      return new HeaderRawProtocol(format()).frame(fields, body);
    }
  }

  static List<Example> examples() throws IOException {
    List<String> lines;
    try (InputStream in = HeaderLayoutsTest.class.getResourceAsStream("header-layouts.txt")) {
      assertNotNull(in, "header-layouts.txt is on the test class path");
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    List<Example> examples = new ArrayList<>();
    String layout = null;
    Bytes bytes = null;
    int at = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      if (!Character.isWhitespace(line.charAt(0))) {
        int colon = line.indexOf(':');
        layout = line.substring(0, colon).strip();
        bytes = hex(line.substring(colon + 1));
        at = i + 1;
        continue;
      }
      // The values: name=value pairs, then body= and the rest of the line.
      int body = text.indexOf("body=");
      Map<String, Long> fields = new LinkedHashMap<>();
      for (String pair : text.substring(0, body).strip().split("\\s+")) {
        if (!pair.isEmpty()) {
          String[] nameValue = pair.split("=");
          String value = nameValue[1];
          fields.put(nameValue[0], value.startsWith("0x") ? Long.parseLong(value.substring(2), 16) : Long.parseLong(value));
        }
      }
      examples.add(new Example(layout, at, bytes, fields, hex(text.substring(body + "body=".length()))));
    }
    return examples;
  }

  private static Bytes hex(String spaced) {
    return Bytes.fromHex(spaced.replaceAll("\\s", ""));
  }

  @TestFactory
  Stream<DynamicTest> eachHandWorkedFrameIsCutIntoItsValuesAndWrittenBackByteForByte() throws IOException {
    return examples().stream().map(example -> DynamicTest.dynamicTest(
        example.layout() + " (line " + example.line() + "): " + example.bytes().hex(), () -> {
          HeaderRawProtocol protocol = new HeaderRawProtocol(example.format());
          byte[] wire = example.bytes().toByteArray();
          for (int chunk : new int[] {1, 2, 3, wire.length}) {
            FrameReader reader = new FrameReader(example.format(), 64);
            ByteBuffer frame = null;
            for (int at = 0; at < wire.length; at += chunk) {
              assertNull(frame, "the frame is whole only with its last byte");
              ByteBuffer piece = ByteBuffer.wrap(wire, at, Math.min(chunk, wire.length - at));
              while (piece.hasRemaining()) {
                reader.feed(piece);
              }
              frame = reader.nextFrame();
            }
            assertNotNull(frame, "in chunks of " + chunk);
            assertEquals(example.bytes(), Bytes.read(frame.duplicate(), frame.remaining()), "the whole frame");
            assertEquals(example.frame(), protocol.decode(frame));
            assertEquals(wire.length, reader.consumed());
            reader.endOfStream();
          }
          int maxPending = (int) Math.max(FrameWriter.DEFAULT_MAX_PENDING, example.format().largestFrameSize());
          FrameWriter<HeaderRawProtocol.Frame> writer = new FrameWriter<>(protocol, maxPending);
          assertTrue(writer.enqueue(example.frame()));
          ChunkyChannel channel = new ChunkyChannel(1, 1000);
          assertTrue(writer.flushTo(channel));
          assertEquals(example.bytes(), Bytes.of(channel.written()));
        }));
  }

  @Test
  void everyLayoutHasFramesAndTheirStreamIsCutAtTheirBoundaries() throws Exception {
    Map<String, List<Example>> byLayout = new LinkedHashMap<>();
    for (Example example : examples()) {
      byLayout.computeIfAbsent(example.layout(), k -> new ArrayList<>()).add(example);
    }
    assertEquals(LAYOUTS.keySet(), byLayout.keySet(), "a frame of every layout, and a layout for every frame");
    for (Map.Entry<String, List<Example>> entry : byLayout.entrySet()) {
      FrameFormat format = LAYOUTS.get(entry.getKey());
      HeaderRawProtocol protocol = new HeaderRawProtocol(format);
      java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
      for (Example example : entry.getValue()) {
        stream.writeBytes(example.bytes().toByteArray());
      }
      FrameReader reader = new FrameReader(format, 16);
      ByteBuffer all = ByteBuffer.wrap(stream.toByteArray());
      List<HeaderRawProtocol.Frame> read = new ArrayList<>();
      for (int spins = 0; all.hasRemaining() || reader.buffered() > 0; spins++) {
        assertTrue(spins < 10_000, "bounded");
        reader.feed(all);
        for (ByteBuffer frame = reader.nextFrame(); frame != null; frame = reader.nextFrame()) {
          read.add(protocol.decode(frame));
        }
      }
      assertEquals(entry.getValue().stream().map(Example::frame).toList(), read, entry.getKey());
    }
  }

  @Test
  void theLayoutsSayWhatTheyAre() {
    assertEquals("FrameFormat[u8 tag type_id, i32 length counts itself and following, big-endian, max=1048576]",
        POSTGRES_TYPED.toString());
    assertEquals("FrameFormat[u8 magic = 0x80, u8 opcode type_id, u16 key_length, u8 extras_length, u8 data_type,"
        + " u16 vbucket, u32 body_length counts the body, u32 opaque, u64 cas, big-endian, max=1048576]",
        MEMCACHED.toString());
    assertEquals(24, MEMCACHED.headerSize());
    assertEquals(8, MEMCACHED.offsetOf("body_length"));
    assertEquals(16, MEMCACHED.offsetOf("cas"));
    assertEquals(65537, DNS.maxFrameLength(), "a u16 length: the largest frame it describes");
    assertEquals(65535 + 6, MODBUS.maxFrameLength());
    assertEquals(1 << 20, MYSQL.maxFrameLength(), "a u24 describes more than the default mebibyte");
    assertEquals(9, CASSANDRA.headerSize());
    assertEquals(256 << 20, CASSANDRA.maxFrameLength());
    assertEquals(20, DIAMETER.headerSize());
    assertEquals(5, DIAMETER.offsetOf("command_code"));
    assertEquals(1, POSTGRES_SSL.maxFrameLength(), "one byte, and nothing larger");
    assertEquals(8, POSTGRES_STARTUP.headerSize());
    assertEquals(0, KAFKA.bodyOffset());
    assertEquals("FrameFormat[u4 packet_type type_id, u4 flags, varint<4> remaining_length counts following,"
        + " big-endian, max=1048576]", MQTT.toString());
    assertEquals(0, MQTT.offsetOf("flags"), "the type's byte");
    assertEquals(2, MQTT.minHeaderSize());
    assertEquals(5, MQTT.headerSize());
  }
}
