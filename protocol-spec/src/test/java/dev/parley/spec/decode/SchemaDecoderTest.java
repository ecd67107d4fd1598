package dev.parley.spec.decode;

import static dev.parley.spec.decode.DecodeSchemas.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The interpreter reads what SPEC.md section 8 says, and refuses what it refuses, as generated decoders do. */
class SchemaDecoderTest {

  private static final SchemaDecoder DEMO = DecodeSchemas.decoder("demo.parley");
  private static final SchemaDecoder TINY = DecodeSchemas.decoder("tiny.parley");
  private static final SchemaDecoder KINDS = DecodeSchemas.decoder("kinds.parley");

  /** A Report body from a version-1 writer: no retries, no note. */
  static final String REPORT_V1 = "0004" + "026162" + "0001" + "0007" + "3ff8000000000000" + "c000000000000000"
      + "00" + "0001" + "0002" + "00000001" + "fffffffe" + "01" + "80" + "8000000000000001" + "0aff"
      + "ffffffffffffffff" + "3fc00000";

  private static DecodeException malformed(SchemaDecoder decoder, String hex) {
    DecodeException e = assertThrows(DecodeException.class, () -> decoder.decodeBody(100, body(hex)));
    assertEquals(DecodeException.Kind.MALFORMED, e.kind());
    return e;
  }

  @Test
  void readsTheBigEndianExampleOfTheSpec() throws DecodeException {
    DecodedFrame frame = DEMO.decodeBody(0, body(
        "00071f90fffffffe000668c3a96c6c6f010000002a00000200010002fffd00040381"));
    assertEquals("offset 0, length 34: Sample (type id 7)\n"
        + "  port = 8080\n"
        + "  delta = -2\n"
        + "  greeting = \"héllo\"\n"
        + "  session = present 42\n"
        + "  nick = absent\n"
        + "  path = list of 2\n"
        + "    [0] = Point\n"
        + "      x = 1\n"
        + "      y = 2\n"
        + "    [1] = Point\n"
        + "      x = -3\n"
        + "      y = 4\n"
        + "  color = BLUE (3)\n"
        + "  perms = {READ, ADMIN} (0x81)\n", TextFormat.format(frame));
  }

  @Test
  void readsTheLittleEndianExampleOfTheSpec() throws DecodeException {
    DecodedFrame frame = TINY.decodeBody(0, body("0302010000feff026f6b025000bb010000c03f"));
    assertEquals("{\"offset\":0,\"length\":19,\"message\":\"Ping\",\"typeId\":3,\"fields\":{\"seq\":258,"
        + "\"skew\":-2,\"tag\":\"ok\",\"ports\":[80,443],\"load\":1.5}}", JsonFormat.format(frame));
  }

  @Test
  void fieldsAnOlderWriterDidNotSendTakeTheirDefaults() throws DecodeException {
    DecodedFrame frame = KINDS.decodeBody(0, body(REPORT_V1));
    assertEquals(62, frame.length());
    assertEquals(0, frame.skippedBytes());
    assertEquals("offset 0, length 62: Report (type id 4)\n"
        + "  name = \"ab\"\n"
        + "  plan = list of 1\n"
        + "    [0] = Step\n"
        + "      id = 7\n"
        + "      at = At\n"
        + "        lat = 1.5\n"
        + "        lon = -2.0\n"
        + "  home = absent\n"
        + "  grid = list of 1\n"
        + "    [0] = list of 2\n"
        + "      [0] = 1\n"
        + "      [1] = -2\n"
        + "  ok = true\n"
        + "  small = MIN (-128)\n"
        + "  bits = {LOW, HIGH} (0x8000000000000001)\n"
        + "  pair = 2 bytes: 0aff\n"
        + "  big = 18446744073709551615\n"
        + "  ratio = 1.5\n"
        + "  retries = 3 (default)\n"
        + "  note = absent (default)\n", TextFormat.format(frame));
    assertEquals("{\"offset\":0,\"length\":62,\"message\":\"Report\",\"typeId\":4,\"fields\":{\"name\":\"ab\","
        + "\"plan\":[{\"id\":7,\"at\":{\"lat\":1.5,\"lon\":-2.0}}],\"home\":null,\"grid\":[[1,-2]],\"ok\":true,"
        + "\"small\":\"MIN\",\"bits\":[\"LOW\",\"HIGH\"],\"pair\":\"0aff\",\"big\":\"18446744073709551615\","
        + "\"ratio\":1.5,\"retries\":3,\"note\":null}}", JsonFormat.format(frame));
  }

  @Test
  void bytesAfterTheLastKnownFieldAreSkippedAndCounted() throws DecodeException {
    DecodedFrame frame = KINDS.decodeBody(0, body(REPORT_V1 + "00000005" + "01" + "0002" + "6869" + "ffff"));
    assertEquals(2, frame.skippedBytes());
    String text = TextFormat.format(frame);
    assertEquals(true, text.endsWith("  retries = 5\n  note = present \"hi\"\n"
        + "  (2 more bytes after the last known field, skipped)\n"), text);
    assertEquals(true, JsonFormat.format(frame).endsWith("\"retries\":5,\"note\":\"hi\"},\"skippedBytes\":2}"));
    DecodedFrame one = KINDS.decodeBody(0, body(REPORT_V1 + "00000005" + "01" + "0002" + "6869" + "ff"));
    assertEquals(true, TextFormat.format(one).endsWith("  (1 more byte after the last known field, skipped)\n"));
  }

  @Test
  void theBodyBufferIsNotMoved() throws DecodeException {
    ByteBuffer body = body("ff" + REPORT_V1).position(1);
    KINDS.decodeBody(0, body);
    assertEquals(1, body.position());
  }

  @Test
  void errorsNameTheFieldPathAndBothOffsets() {
    // Report: name "", plan [], home present with its At cut inside lat.
    DecodeException home = malformed(KINDS, "0004" + "00" + "0000" + "01" + "0000");
    assertEquals("Report.home.lat", home.path());
    assertEquals("need 8 bytes, 2 left", home.problem());
    assertEquals(6, home.bodyOffset());
    assertEquals(110, home.streamOffset());
    assertEquals("frame at offset 100, length 8: Report.home.lat: need 8 bytes, 2 left, at body offset 6"
        + " (stream offset 110)", home.getMessage());
    assertEquals("Report.home.lat: need 8 bytes, 2 left, at offset 6", home.bodyMessage());
  }

  @Test
  void everyRuleOfTheWireFormatIsChecked() {
    String upToGrid = "0004" + "00" + "0000" + "00";
    assertEquals("Report.plan: count 2 of elements of at least 18 bytes exceeds the 20 bytes left, at offset 3",
        malformed(KINDS, "0004" + "00" + "0002" + "00".repeat(20)).bodyMessage());
    assertEquals("Report.grid[0]: count 9 of elements of at least 4 bytes exceeds the 4 bytes left, at offset 8",
        malformed(KINDS, upToGrid + "0001" + "0009" + "00000001").bodyMessage());
    assertEquals("Report.grid[1]: count 5 of elements of at least 4 bytes exceeds the 4 bytes left, at offset 10",
        malformed(KINDS, upToGrid + "0002" + "0000" + "0005" + "00000001").bodyMessage());
    assertEquals("Report.name: length 5 exceeds the 0 bytes left, at offset 2",
        malformed(KINDS, "0004" + "05").bodyMessage());
    assertEquals("Report.name: malformed UTF-8 (byte 0xc3), at offset 4",
        malformed(KINDS, "0004" + "02" + "41c3").bodyMessage());
    assertEquals("Report.name: malformed UTF-8 (byte 0xed), at offset 3",
        malformed(KINDS, "0004" + "03" + "eda080").bodyMessage());
    assertEquals("Report.home: presence byte must be 0 or 1, found 7, at offset 5",
        malformed(KINDS, "0004" + "00" + "0000" + "07").bodyMessage());
    String upToOk = upToGrid + "0000";
    assertEquals("Report.ok: bool must be 0 or 1, found 2, at offset 8",
        malformed(KINDS, upToOk + "02").bodyMessage());
    assertEquals("Report.small: undeclared Small value -1, at offset 9",
        malformed(KINDS, upToOk + "01" + "ff").bodyMessage());
    assertEquals("Report.bits: undeclared Bits bits 0x4000000000000000, at offset 10",
        malformed(KINDS, upToOk + "01" + "00" + "4000000000000000").bodyMessage());
    assertEquals("Report.retries: need 4 bytes, 1 left, at offset 32",
        malformed(KINDS, upToOk + "01" + "00" + "00".repeat(8) + "0000" + "00".repeat(8) + "00000000" + "00")
            .bodyMessage());
  }

  @Test
  void typeIdsAreCheckedBeforeAnythingElse() {
    assertEquals("type_id: need 2 bytes, 1 left, at offset 0", malformed(KINDS, "00").bodyMessage());
    assertEquals("type_id: unknown type id 99, at offset 0", malformed(KINDS, "0063").bodyMessage());
    assertEquals("type_id: need 1 byte, 0 left, at offset 0", malformed(TINY, "").bodyMessage());
    SchemaDecoder onlyEmpty = KINDS.onlyMessage(KINDS.file().messages().get(1));
    assertEquals("type_id: type id 4 is Report, not Empty, at offset 0",
        malformed(onlyEmpty, REPORT_V1).bodyMessage());
  }

  @Test
  void aLargeBytesValueIsCopiedOnceOutOfTheBody() throws DecodeException {
    SchemaDecoder huge = DecodeSchemas.decoder("huge.parley");
    int size = 8 << 20;
    ByteBuffer body = ByteBuffer.allocate(2 + 4 + size).putShort((short) 1).putInt(size);
    huge.decodeBody(0, body("0001" + "00000000")); // warm up on an empty one
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    DecodedFrame frame = huge.decodeBody(0, body.clear());
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertEquals(size, ((DecodedValue.BytesValue) frame.fields().get(0).value()).size());
    assertTrue(allocated >= size && allocated < size + (1 << 20), allocated + " bytes allocated for " + size);
  }
}
