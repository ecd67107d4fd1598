package dev.parley.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * The bytes written as hex text in a stream, for {@code parley decode --hex}: pairs of hex digits
 * in either case; whitespace anywhere (also between the two digits of a byte), a {@code 0x} at
 * the start of a word, and {@code #} comments up to the end of the line are ignored. Anything
 * else, or an odd number of digits, is an {@link IOException} that says where (line and column),
 * thrown once the bytes before it have been handed over, and again on every later read. Reads as
 * it goes: the text is never held whole, and a read returns what it has rather than wait for
 * more text.
 */
final class HexInput extends InputStream {

  private final InputStream in;
  private final byte[] text = new byte[8192];
  private int position;
  private int limit;
  private boolean endOfText;
  private int line = 1;
  private int column;
  private boolean wordStart = true;
  /** The first digit of a byte whose second digit has not come yet, or -1. */
  private int high = -1;
  private int highLine;
  private int highColumn;
  /** The error found after bytes that a read returned first: the next read throws it. */
  private IOException error;

  HexInput(InputStream in) {
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (error != null) {
      throw error;
    }
    int n = 0;
    while (n < len) {
      // Hand over what is decoded rather than wait for more text that may be slow to come.
      int c = n > 0 && position == limit ? -2 : next();
      if (c == -2) {
        return n;
      }
      if (c < 0) {
        if (high >= 0) {
          return fail(n, "odd number of hex digits: the digit at line " + highLine + ", column "
              + highColumn + " has no second digit");
        }
        return n == 0 && len > 0 ? -1 : n;
      }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        wordStart = true;
      } else if (c == '#') {
        while (c >= 0 && c != '\n') {
          c = next();
        }
        wordStart = true;
      } else if (c == '0' && wordStart && (peek() == 'x' || peek() == 'X')) {
        next();
        wordStart = false;
      } else {
        int digit = Character.digit(c, 16);
        if (digit < 0) {
          return fail(n, "not a hex digit: " + describe(c) + " at line " + line + ", column " + column);
        }
        wordStart = false;
        if (high < 0) {
          high = digit;
          highLine = line;
          highColumn = column;
        } else {
          b[off + n++] = (byte) (high << 4 | digit);
          high = -1;
        }
      }
    }
    return n;
  }

  /**
   * Throws the error {@code message} describes, or, when {@code n} bytes were decoded before it,
   * returns {@code n} and keeps the error for the next read: the frames in those bytes come first.
   */
  private int fail(int n, String message) throws IOException {
    error = new IOException(message);
    if (n == 0) {
      throw error;
    }
    return n;
  }

  /** The next character of the text, counting lines and columns; -1 at its end. */
  private int next() throws IOException {
    if (!fill()) {
      return -1;
    }
    int c = text[position++] & 0xFF;
    if (c == '\n') {
      line++;
      column = 0;
    } else {
      column++;
    }
    return c;
  }

  private int peek() throws IOException {
    return fill() ? text[position] & 0xFF : -1;
  }

  private boolean fill() throws IOException {
    while (position == limit && !endOfText) {
      int read = in.read(text, 0, text.length);
      if (read < 0) {
        endOfText = true;
      } else {
        position = 0;
        limit = read;
      }
    }
    return position < limit;
  }

  private static String describe(int c) {
    return c > ' ' && c < 0x7F
        ? "'" + (char) c + "'"
        : String.format(Locale.ROOT, "byte 0x%02x", c);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
