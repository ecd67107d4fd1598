package dev.parley.spec.decode;

import dev.parley.runtime.Bytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.CharBuffer;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Appends the long parts of {@link TextFormat}'s and {@link JsonFormat}'s output (strings with
 * escapes, bytes in hex) a few thousand characters at a time, so that a value of megabytes is
 * never copied whole; to a {@link Writer}, without building a string for each piece.
 */
final class FormatOutput {

  /** The most characters appended at a time. */
  private static final int CHUNK = 4096;
  private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

  private FormatOutput() {}

  /** Something that appends text, such as a frame's rendering. */
  interface Writing {
    void appendTo(Appendable out) throws IOException;
  }

  /** What {@code writing} appends, as a string. */
  static String toText(Writing writing) {
    StringBuilder out = new StringBuilder();
    try {
      writing.appendTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder does not throw
    }
    return out.toString();
  }

  /**
   * Appends {@code s} to {@code out}, each code point for which {@code escape} gives a string
   * replaced by that string.
   */
  static void escaped(Appendable out, String s, IntFunction<String> escape) throws IOException {
    int plain = 0; // the start of the run of characters not yet appended, all unescaped
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      int next = i + Character.charCount(c);
      String escaped = escape.apply(c);
      if (escaped != null) {
        run(out, s, plain, i);
        out.append(escaped);
        plain = next;
      } else if (next - plain >= CHUNK) {
        run(out, s, plain, next);
        plain = next;
      }
      i = next;
    }
    run(out, s, plain, s.length());
  }

  private static void run(Appendable out, String s, int from, int to) throws IOException {
    if (out instanceof Writer w) {
      w.write(s, from, to - from);
    } else {
      out.append(s, from, to);
    }
  }

  /** {@code \\uXXXX}, four lower-case hex digits, for each UTF-16 unit of {@code c}. */
  static String utf16Escapes(int c) {
    StringBuilder s = new StringBuilder(12);
    for (char unit : Character.toChars(c)) {
      s.append(String.format(Locale.ROOT, "\\u%04x", (int) unit));
    }
    return s.toString();
  }

  /** Appends {@code bytes} in lower-case hex, two digits each, nothing between. */
  static void hex(Appendable out, Bytes bytes) throws IOException {
    char[] chunk = new char[Math.min(2 * bytes.size(), CHUNK)];
    for (int from = 0; from < bytes.size(); ) {
      int n = Math.min(bytes.size() - from, chunk.length / 2);
      for (int i = 0; i < n; i++) {
        int b = bytes.get(from + i) & 0xFF;
        chunk[2 * i] = HEX_DIGITS[b >>> 4];
        chunk[2 * i + 1] = HEX_DIGITS[b & 0xF];
      }
      if (out instanceof Writer w) {
        w.write(chunk, 0, 2 * n);
      } else {
        out.append(CharBuffer.wrap(chunk, 0, 2 * n));
      }
      from += n;
    }
  }
}
