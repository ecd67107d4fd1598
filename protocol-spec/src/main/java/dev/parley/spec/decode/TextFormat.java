package dev.parley.spec.decode;

import dev.parley.spec.ChecksumType;
import dev.parley.spec.FlagBit;
import java.io.IOException;
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
 * A checksum shows in hex with what it covers, {@code crc = 0xcbf43926 (crc32<body>, verified)}.
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
    return FormatOutput.toText(out -> write(frame, out));
  }

  /**
   * Appends the lines {@link #format} returns to {@code out} as it goes, without building them
   * whole first: a frame with megabytes of bytes or text costs output, not memory.
   *
   * @throws IOException if {@code out} does
   */
  public static void write(DecodedFrame frame, Appendable out) throws IOException {
    out.append("offset ").append(Long.toString(frame.offset())).append(", length ")
        .append(Integer.toString(frame.length())).append(": ").append(frame.message().name());
    // A declared frame shows its type id among its header fields, by the field's name.
    if (frame.header().isEmpty()) {
      out.append(" (type id ").append(Integer.toString(frame.message().id())).append(")");
    }
    out.append('\n');
    if (!frame.header().isEmpty()) {
      indent(out, 1).append("header\n");
      fields(out, frame.header(), 2);
    }
    fields(out, frame.fields(), 1);
    if (frame.skippedBytes() > 0) {
      out.append(INDENT).append("(").append(Integer.toString(frame.skippedBytes()))
          .append(frame.skippedBytes() == 1 ? " more byte" : " more bytes")
          .append(" after the last known field, skipped)\n");
    }
  }

  private static void fields(Appendable out, List<DecodedField> fields, int depth) throws IOException {
    for (DecodedField field : fields) {
      indent(out, depth).append(field.name()).append(" = ");
      if (field.field().type() instanceof ChecksumType checksum && field.value() instanceof DecodedValue.IntValue i) {
        // In hex, as checksums are written, with what it covers: it matched, or decoding failed.
        out.append(String.format(Locale.ROOT, "0x%08x", i.value())).append(" (")
            .append(checksum.displayName()).append(", verified)\n");
        continue;
      }
      value(out, field.value(), depth, field.defaulted() ? " (default)" : "");
    }
  }

  private static Appendable indent(Appendable out, int depth) throws IOException {
    for (int i = 0; i < depth; i++) {
      out.append(INDENT);
    }
    return out;
  }

  /** The rest of a line after {@code name = }: the value, {@code note}, and its nested lines. */
  private static void value(Appendable out, DecodedValue value, int depth, String note) throws IOException {
    if (value instanceof DecodedValue.OptionalValue o) {
      if (o.value().isEmpty()) {
        out.append("absent").append(note).append('\n');
      } else {
        out.append("present ");
        value(out, o.value().get(), depth, note);
      }
    } else if (value instanceof DecodedValue.ListValue l) {
      out.append("list of ").append(Integer.toString(l.elements().size())).append(note).append('\n');
      for (int i = 0; i < l.elements().size(); i++) {
        indent(out, depth + 1).append('[').append(Integer.toString(i)).append("] = ");
        value(out, l.elements().get(i), depth + 1, "");
      }
    } else if (value instanceof DecodedValue.StructValue s) {
      out.append(s.type().name()).append(note).append('\n');
      fields(out, s.fields(), depth + 1);
    } else {
      scalar(out, value);
      out.append(note).append('\n');
    }
  }

  private static void scalar(Appendable out, DecodedValue value) throws IOException {
    if (value instanceof DecodedValue.IntValue i) {
      out.append(i.decimal());
    } else if (value instanceof DecodedValue.FloatValue f) {
      out.append(f.decimal());
    } else if (value instanceof DecodedValue.BoolValue b) {
      out.append(Boolean.toString(b.value()));
    } else if (value instanceof DecodedValue.StringValue s) {
      quote(out, s.value());
    } else if (value instanceof DecodedValue.BytesValue b) {
      if (b.size() == 0) {
        out.append("0 bytes");
      } else {
        out.append(Integer.toString(b.size())).append(b.size() == 1 ? " byte: " : " bytes: ");
        b.appendHex(out);
      }
    } else if (value instanceof DecodedValue.EnumValue e) {
      out.append(e.constant().name()).append(" (").append(Long.toString(e.constant().value())).append(")");
    } else if (value instanceof DecodedValue.ExternValue x) {
      out.append(String.valueOf(x.value()));
    } else {
      DecodedValue.FlagsValue f = (DecodedValue.FlagsValue) value;
      out.append(f.set().stream().map(FlagBit::name).collect(Collectors.joining(", ", "{", "}")))
          .append(" (0x").append(Long.toHexString(f.bits())).append(")");
    }
  }

  /** {@code s} in double quotes, with the escapes of the schema language (SPEC.md 2.6). */
  private static void quote(Appendable out, String s) throws IOException {
    out.append('"');
    FormatOutput.escaped(out, s, TextFormat::escape);
    out.append('"');
  }

  /** The escape of code point {@code c} in a quoted string, or null for {@code c} itself. */
  private static String escape(int c) {
    return switch (c) {
      case '\n' -> "\\n";
      case '\t' -> "\\t";
      case '\r' -> "\\r";
      case 0 -> "\\0";
      case '\\' -> "\\\\";
      case '"' -> "\\\"";
      default -> isInvisible(c) ? FormatOutput.utf16Escapes(c) : null;
    };
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
