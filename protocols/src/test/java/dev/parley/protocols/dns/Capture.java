package dev.parley.protocols.dns;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One frame of a capture in {@code src/test/resources/captures}: a line
 * {@code DIR<TAB>HEX<TAB>DESCRIPTION}, where DIR is {@code C>S} (client to server) or {@code S>C},
 * HEX the whole frame, length included, and DESCRIPTION what a person reading it sees; lines
 * starting with {@code #} are comments.
 *
 * @param line the line of the file it comes from, 1-based
 */
record Capture(int line, String direction, byte[] frame, String description) {

  /** The frames of {@code captures/NAME}, in order. */
  static List<Capture> load(String name) {
    String text;
    try (InputStream in = Capture.class.getResourceAsStream("/captures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no capture " + name + " on the test class path");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Capture> frames = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] columns = line.split("\t");
      if (columns.length != 3 || !(columns[0].equals("C>S") || columns[0].equals("S>C"))) {
        throw new IllegalArgumentException(name + ":" + (i + 1) + ": expected DIR<TAB>HEX<TAB>DESCRIPTION");
      }
      frames.add(new Capture(i + 1, columns[0], HexFormat.of().parseHex(columns[1]), columns[2]));
    }
    return frames;
  }

  /** The DNS message after the two-byte length. */
  byte[] message() {
    return java.util.Arrays.copyOfRange(frame, 2, frame.length);
  }

  @Override
  public String toString() {
    return "line " + line + " (" + direction + ")";
  }
}
