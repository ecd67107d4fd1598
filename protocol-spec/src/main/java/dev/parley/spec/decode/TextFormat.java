package dev.parley.spec.decode;

import dev.parley.spec.FlagBit;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Renders a decoded frame as indented text for people: a header line with the frame's stream
 * offset, body length, message and type id, then a line per field, nested values indented two
 * spaces a level:
 *
 * <pre>
 * offset 0, length 34: Sample (type id 7)
 *   port = 8080
 *   greeting = "héllo"
 *   session = present 42
 *   nick = absent
 *   path = list of 1
 *     [0] = Point
 *       x = 1
 *       y = -3
 *   color = BLUE (3)
 *   perms = {READ, ADMIN} (0x81)
 *   avatar = 2 bytes: 01ff
 * </pre>
 *
 * A field an older writer did not send ends with {@code (default)}; bytes a newer writer added
 * after the known fields are counted on a last line. Strings are quoted with the schema
 * language's escapes ({@code \n \t \r \0 \\ \"}, and {@code \\uXXXX} for any other invisible
 * character).
 */
public final class TextFormat {

  private static final String INDENT = "  ";

  private TextFormat() {}

  /** The frame as lines of text, each ending with {@code \n}. */
  public static String format(DecodedFrame frame) {
    StringBuilder out = new StringBuilder();
    out.append("offset ").append(frame.offset()).append(", length ").append(frame.length()).append(": ")
        .append(frame.message().name()).append(" (type id ").append(frame.message().id()).append(")\n");
    fields(out, frame.fields(), 1);
    if (frame.skippedBytes() > 0) {
      out.append(INDENT).append("(").append(frame.skippedBytes())
          .append(" more bytes after the last known field, skipped)\n");
    }
    return out.toString();
  }

  private static void fields(StringBuilder out, List<DecodedField> fields, int depth) {
    for (DecodedField field : fields) {
      out.append(INDENT.repeat(depth)).append(field.name()).append(" = ");
      value(out, field.value(), depth, field.defaulted() ? " (default)" : "");
    }
  }

  /** The rest of a line after {@code name = }: the value, {@code note}, and its nested lines. */
  private static void value(StringBuilder out, DecodedValue value, int depth, String note) {
    if (value instanceof DecodedValue.OptionalValue o) {
      if (o.value().isEmpty()) {
        out.append("absent").append(note).append('\n');
      } else {
        out.append("present ");
        value(out, o.value().get(), depth, note);
      }
    } else if (value instanceof DecodedValue.ListValue l) {
      out.append("list of ").append(l.elements().size()).append(note).append('\n');
      for (int i = 0; i < l.elements().size(); i++) {
        out.append(INDENT.repeat(depth + 1)).append('[').append(i).append("] = ");
        value(out, l.elements().get(i), depth + 1, "");
      }
    } else if (value instanceof DecodedValue.StructValue s) {
      out.append(s.type().name()).append(note).append('\n');
      fields(out, s.fields(), depth + 1);
    } else {
      out.append(scalar(value)).append(note).append('\n');
    }
  }

  private static String scalar(DecodedValue value) {
    if (value instanceof DecodedValue.IntValue i) {
      return i.decimal();
    } else if (value instanceof DecodedValue.FloatValue f) {
      return f.decimal();
    } else if (value instanceof DecodedValue.BoolValue b) {
      return Boolean.toString(b.value());
    } else if (value instanceof DecodedValue.StringValue s) {
      return quote(s.value());
    } else if (value instanceof DecodedValue.BytesValue b) {
      return b.size() == 0 ? "0 bytes" : b.size() + (b.size() == 1 ? " byte: " : " bytes: ") + b.hex();
    } else if (value instanceof DecodedValue.EnumValue e) {
      return e.constant().name() + " (" + e.constant().value() + ")";
    }
    DecodedValue.FlagsValue f = (DecodedValue.FlagsValue) value;
    return f.set().stream().map(FlagBit::name).collect(Collectors.joining(", ", "{", "}"))
        + " (0x" + Long.toHexString(f.bits()) + ")";
  }

  /** {@code s} in double quotes, with the escapes of the schema language (SPEC.md 2.6). */
  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        case 0 -> out.append("\\0");
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        default -> {
          if (isInvisible(c)) {
            for (char unit : Character.toChars(c)) {
              out.append(String.format(Locale.ROOT, "\\u%04x", (int) unit));
            }
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** Characters a terminal would not show, or would show as something else (SPEC.md 2.2). */
  private static boolean isInvisible(int c) {
    int type = Character.getType(c);
    return c != ' ' && (Character.isISOControl(c) || Character.isWhitespace(c)
        || type == Character.SPACE_SEPARATOR || type == Character.FORMAT
        || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
        || type == Character.SURROGATE);
  }
}
