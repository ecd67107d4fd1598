package dev.parley.spec.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Text and JSON renderings of the values that need care: strings, 64-bit integers, odd floats,
 * and values of megabytes. JSON is read back with a strict parser, not searched for substrings.
 */
class FormatsTest {

  private static final SchemaDecoder KINDS = DecodeSchemas.decoder("kinds.parley");
  private static final SchemaDecoder HUGE = DecodeSchemas.decoder("huge.parley");

  /** A version-1 Report with {@code name}, {@code big} and {@code ratio} as given, everything else empty. */
  private static DecodedFrame report(String name, long big, float ratio) throws DecodeException {
    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer body = ByteBuffer.allocate(200);
    body.putShort((short) 4).put((byte) utf8.length).put(utf8).putShort((short) 0).put((byte) 0)
        .putShort((short) 0).put((byte) 0).put((byte) 0).putLong(0).putShort((short) 0).putLong(big)
        .putFloat(ratio).flip();
    return KINDS.decodeBody(0, body);
  }

  /** The JSON line of a {@link #report}, with its name, big and ratio as they appear in JSON. */
  private static String reportJson(int length, String name, String big, String ratio) {
    return "{\"offset\":0,\"length\":" + length + ",\"message\":\"Report\",\"typeId\":4,\"fields\":{\"name\":"
        + name + ",\"plan\":[],\"home\":null,\"grid\":[],\"ok\":false,\"small\":\"ZERO\",\"bits\":[],"
        + "\"pair\":\"0000\",\"big\":" + big + ",\"ratio\":" + ratio + ",\"retries\":3,\"note\":null}}";
  }

  private static String textLine(DecodedFrame frame, String field) {
    return TextFormat.format(frame).lines().filter(l -> l.startsWith("  " + field + " = ")).findFirst().orElseThrow();
  }

  /** The frame's JSON, read back strictly: its fields. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> jsonFields(DecodedFrame frame) {
    Map<String, Object> object = (Map<String, Object>) StrictJson.parse(JsonFormat.format(frame));
    return (Map<String, Object>) object.get("fields");
  }

  @Test
  void textQuotesStringsWithTheSchemaLanguagesEscapes() throws DecodeException {
    DecodedFrame frame = report("a\"\\\n\t\r\0é\u00a0😀\u2028\u200b\uE000\u007f\u0085 z", 0, 0);
    assertEquals("  name = \"a\\\"\\\\\\n\\t\\r\\0é\\u00a0😀\\u2028\\u200b\\ue000\\u007f\\u0085 z\"",
        textLine(frame, "name"));
  }

  @Test
  void jsonEscapesEveryControlCharacterAndKeepsEverythingElse() throws DecodeException {
    StringBuilder name = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      name.append(c);
    }
    name.append("\"\\/\u007f\u0080\u009f\u00a0é\u2028\u2029😀𝄞z");
    DecodedFrame frame = report(name.toString(), 0, 0);
    String json = JsonFormat.format(frame);
    assertEquals(reportJson(frame.length(), "\""
        + "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
        + "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d"
        + "\\u001e\\u001f"
        + "\\\"\\\\/\\u007f\\u0080\\u009f\u00a0é\\u2028\\u2029😀𝄞z\"", "\"0\"", "0.0"), json);
    assertEquals(name.toString(), jsonFields(frame).get("name"));
    json.chars().forEach(c -> assertTrue(c >= 0x20 && !Character.isISOControl(c) && c != 0x2028 && c != 0x2029,
        () -> "raw U+" + Integer.toHexString(c) + " in " + json));
  }

  @Test
  void jsonWrites64BitIntegersAlwaysAsStringsAndNarrowerOnesAsNumbers() throws DecodeException {
    for (long[] values : new long[][] {{0, 0, 0, 0}, {1, 1, 1, 1}, {Long.MIN_VALUE, -1, Integer.MIN_VALUE, -1},
        {Long.MAX_VALUE, 1L << 53, Integer.MAX_VALUE, 0}}) {
      ByteBuffer body = ByteBuffer.allocate(2 + 8 + 8 + 4 + 4).putShort((short) 6).putLong(values[0])
          .putLong(values[1]).putInt((int) values[2]).putInt((int) values[3]).flip();
      Map<String, Object> fields = jsonFields(KINDS.decodeBody(0, body));
      assertEquals(Long.toString(values[0]), fields.get("signed"));
      assertEquals(Long.toUnsignedString(values[1]), fields.get("unsigned"));
      assertEquals(new BigDecimal(values[2]), fields.get("narrow"));
      assertEquals(new BigDecimal(Integer.toUnsignedString((int) values[3])), fields.get("unsigned_narrow"));
    }
    ByteBuffer body = ByteBuffer.allocate(26).putShort((short) 6).putLong(-2).putLong(-1).putInt(-3).putInt(-1)
        .flip();
    assertEquals("{\"offset\":0,\"length\":26,\"message\":\"Wide\",\"typeId\":6,\"fields\":{\"signed\":\"-2\","
        + "\"unsigned\":\"18446744073709551615\",\"narrow\":-3,\"unsigned_narrow\":4294967295}}",
        JsonFormat.format(KINDS.decodeBody(0, body)));
    assertEquals(reportJson(32, "\"\"", "\"9007199254740993\"", "0.0"),
        JsonFormat.format(report("", (1L << 53) + 1, 0)));
    assertEquals("  big = 9007199254740993", textLine(report("", (1L << 53) + 1, 0), "big"));
  }

  @Test
  void floatsThatJsonCannotWriteAreStrings() throws DecodeException {
    assertEquals("NaN", jsonFields(report("", 0, Float.NaN)).get("ratio"));
    assertEquals("-Infinity", jsonFields(report("", 0, Float.NEGATIVE_INFINITY)).get("ratio"));
    assertEquals("Infinity", jsonFields(report("", 0, Float.POSITIVE_INFINITY)).get("ratio"));
    assertEquals(reportJson(32, "\"\"", "\"0\"", "-0.0"), JsonFormat.format(report("", 0, -0.0f)));
    assertEquals(new BigDecimal("0.1"), jsonFields(report("", 0, 0.1f)).get("ratio"));
    assertEquals(new BigDecimal("1.0E-10"), jsonFields(report("", 0, 1e-10f)).get("ratio"));
    assertEquals("  ratio = 1.0E-10", textLine(report("", 0, 1e-10f), "ratio"));
  }

  /** A Writer that counts what it is given, keeps none of it and allocates nothing. */
  private static final class CountingWriter extends Writer {
    long chars;

    @Override
    public void write(char[] buffer, int offset, int length) {
      chars += length;
    }

    @Override
    public void write(String s, int offset, int length) {
      chars += length;
    }

    @Override
    public void write(int c) {
      chars++;
    }

    @Override
    public Writer append(CharSequence s) {
      chars += s.length();
      return this;
    }

    @Override
    public Writer append(CharSequence s, int start, int end) {
      chars += end - start;
      return this;
    }

    @Override
    public Writer append(char c) {
      chars++;
      return this;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  private interface Formatter {
    void write(DecodedFrame frame, Appendable out) throws IOException;
  }

  /** The bytes {@code formatter} allocates to write {@code frame}, and the characters it wrote. */
  private static long[] allocatedToWrite(Formatter formatter, DecodedFrame frame) throws IOException {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    CountingWriter out = new CountingWriter();
    long before = threads.getCurrentThreadAllocatedBytes();
    formatter.write(frame, out);
    return new long[] {threads.getCurrentThreadAllocatedBytes() - before, out.chars};
  }

  @Test
  void writingAValueOfMegabytesAllocatesAChunkNotTheValue() throws Exception {
    int size = 8 << 20;
    ByteBuffer blob = ByteBuffer.allocate(2 + 4 + size).putShort((short) 1).putInt(size);
    ByteBuffer text = ByteBuffer.allocate(2 + 4 + size).putShort((short) 2).putInt(size);
    for (int i = 0; i < size; i++) {
      blob.put((byte) i);
      text.put((byte) (i % 100 == 0 ? '"' : 'a' + i % 26)); // an escape every hundred characters
    }
    DecodedFrame[] frames = {HUGE.decodeBody(0, blob.flip()), HUGE.decodeBody(0, text.flip())};
    for (Formatter formatter : new Formatter[] {TextFormat::write, JsonFormat::write}) {
      allocatedToWrite(formatter, report("warm up \"", 0, 0));
      for (DecodedFrame frame : frames) {
        long[] allocatedAndWritten = allocatedToWrite(formatter, frame);
        assertTrue(allocatedAndWritten[1] > size, allocatedAndWritten[1] + " characters");
        assertTrue(allocatedAndWritten[0] < 1 << 20, allocatedAndWritten[0] + " bytes allocated to write "
            + allocatedAndWritten[1] + " characters of " + frame.message().name());
      }
    }
  }
}
