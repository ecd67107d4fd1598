package dev.parley.spec.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Text and JSON renderings of the values that need care: strings, large integers, odd floats. */
class FormatsTest {

  private static final SchemaDecoder KINDS = DecodeSchemas.decoder("kinds.parley");

  /** A version-1 Report with {@code name}, {@code big} and {@code ratio} as given, everything else empty. */
  private static DecodedFrame report(String name, long big, float ratio) throws DecodeException {
    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer body = ByteBuffer.allocate(100);
    body.putShort((short) 4).put((byte) utf8.length).put(utf8).putShort((short) 0).put((byte) 0)
        .putShort((short) 0).put((byte) 0).put((byte) 0).putLong(0).putShort((short) 0).putLong(big)
        .putFloat(ratio).flip();
    return KINDS.decodeBody(0, body);
  }

  private static String textLine(DecodedFrame frame, String field) {
    return TextFormat.format(frame).lines().filter(l -> l.startsWith("  " + field + " = ")).findFirst().orElseThrow();
  }

  @Test
  void textQuotesStringsWithTheSchemaLanguagesEscapes() throws DecodeException {
    DecodedFrame frame = report("a\"\\\n\t\r\0é\u00a0😀\u2028\u200b\uE000 z", 0, 0);
    assertEquals("  name = \"a\\\"\\\\\\n\\t\\r\\0é\\u00a0😀\\u2028\\u200b\\ue000 z\"", textLine(frame, "name"));
  }

  @Test
  void jsonEscapesWhatJsonAndJavaScriptNeed() throws DecodeException {
    DecodedFrame frame = report("a\"\\\n\t\0é\u00a0😀\u2028\u001f", 0, 0);
    assertTrue(JsonFormat.format(frame).contains("\"name\":\"a\\\"\\\\\\n\\t\\u0000é\u00a0😀\\u2028\\u001f\""),
        JsonFormat.format(frame));
  }

  @Test
  void jsonWritesIntegersBeyondTwoToThe53AsStrings() throws DecodeException {
    assertTrue(JsonFormat.format(report("", 1L << 53, 0)).contains("\"big\":9007199254740992,"));
    assertTrue(JsonFormat.format(report("", (1L << 53) + 1, 0)).contains("\"big\":\"9007199254740993\","));
    assertTrue(JsonFormat.format(report("", -1, 0)).contains("\"big\":\"18446744073709551615\","));
    assertEquals("  big = 9007199254740993", textLine(report("", (1L << 53) + 1, 0), "big"));
  }

  @Test
  void floatsThatJsonCannotWriteAreStrings() throws DecodeException {
    assertTrue(JsonFormat.format(report("", 0, Float.NaN)).contains("\"ratio\":\"NaN\","));
    assertTrue(JsonFormat.format(report("", 0, Float.NEGATIVE_INFINITY)).contains("\"ratio\":\"-Infinity\","));
    assertTrue(JsonFormat.format(report("", 0, -0.0f)).contains("\"ratio\":-0.0,"));
    assertTrue(JsonFormat.format(report("", 0, 0.1f)).contains("\"ratio\":0.1,"));
    assertEquals("  ratio = 1.0E-10", textLine(report("", 0, 1e-10f), "ratio"));
  }
}
