package dev.parley.spec.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Text and JSON renderings of the values that need care: strings, large integers, odd floats, megabytes. */
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
