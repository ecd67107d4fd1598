package dev.parley.spec.decode;

import dev.parley.spec.FlagBit;
import dev.parley.spec.PrimitiveType;
import java.io.IOException;
import java.util.List;

/**
 * Renders a decoded frame as one line of JSON (RFC 8259):
 * {@code {"offset":0,"length":34,"message":"Sample","typeId":7,"fields":{...}}}, with
 * {@code "skippedBytes":N} added when a newer writer's bytes followed the known fields. Fields
 * keep their schema names and order. Values:
 *
 * <ul>
 *   <li>integers up to 32 bits are numbers; {@code i64} and {@code u64} are always decimal
 *       strings ({@code "18446744073709551615"}, {@code "0"}), as in protobuf's JSON mapping: no
 *       JSON reader rounds them, and a field's JSON type does not depend on its value; a varint
 *       is a number up to 4 bytes and a string above, as the Java type of its values is an
 *       {@code int} or a {@code long}; a checksum is a number;
 *   <li>floats are numbers, except NaN and the infinities, which JSON lacks: {@code "NaN"},
 *       {@code "Infinity"}, {@code "-Infinity"};
 *   <li>strings escape {@code "} and the backslash; the control characters U+0000 to U+001F (as
 *       {@code \n}, {@code \r}, {@code \t}, {@code \b}, {@code \f} or a six-character
 *       {@code \\u} escape), DEL and U+0080 to U+009F, which terminals act on; and U+2028 and
 *       U+2029, which end lines in JavaScript. Everything else is as is.
 *   <li>bytes are lower-case hex strings; enums their constant's name; flags an array of the
 *       names of the bits set, in declaration order;
 *   <li>an absent optional is {@code null}, a present one its value; lists are arrays and structs
 *       objects.
 * </ul>
 */
public final class JsonFormat {

  private JsonFormat() {}

  /** The frame as one JSON object, without a line break. */
  public static String format(DecodedFrame frame) {
    return FormatOutput.toText(out -> write(frame, out));
  }

  /**
   * Appends the object {@link #format} returns to {@code out} as it goes, without building it
   * whole first: a frame with megabytes of bytes or text costs output, not memory.
   *
   * @throws IOException if {@code out} does
   */
  public static void write(DecodedFrame frame, Appendable out) throws IOException {
    out.append("{\"offset\":").append(Long.toString(frame.offset()))
        .append(",\"length\":").append(Integer.toString(frame.length()))
        .append(",\"message\":");
    string(out, frame.message().name());
    if (frame.header().isEmpty()) {
      out.append(",\"typeId\":").append(Integer.toString(frame.message().id()));
    } else {
      // A declared frame's type id is one of its header fields, under the field's name.
      out.append(",\"header\":");
      fields(out, frame.header());
    }
    out.append(",\"fields\":");
    fields(out, frame.fields());
    if (frame.skippedBytes() > 0) {
      out.append(",\"skippedBytes\":").append(Integer.toString(frame.skippedBytes()));
    }
    out.append('}');
  }

  private static void fields(Appendable out, List<DecodedField> fields) throws IOException {
    out.append('{');
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      string(out, fields.get(i).name());
      out.append(':');
      value(out, fields.get(i).value());
    }
    out.append('}');
  }

  private static void value(Appendable out, DecodedValue value) throws IOException {
    if (value instanceof DecodedValue.IntValue i) {
      boolean wide = i.type() == PrimitiveType.I64 || i.type() == PrimitiveType.U64;
      if (wide) {
        out.append('"').append(i.decimal()).append('"');
      } else {
        out.append(i.decimal());
      }
    } else if (value instanceof DecodedValue.FloatValue f) {
      boolean finite = Double.isFinite(f.value());
      if (finite) {
        out.append(f.decimal());
      } else {
        out.append('"').append(f.decimal()).append('"');
      }
    } else if (value instanceof DecodedValue.BoolValue b) {
      out.append(Boolean.toString(b.value()));
    } else if (value instanceof DecodedValue.StringValue s) {
      string(out, s.value());
    } else if (value instanceof DecodedValue.BytesValue b) {
      out.append('"');
      b.appendHex(out);
      out.append('"');
    } else if (value instanceof DecodedValue.EnumValue e) {
      string(out, e.constant().name());
    } else if (value instanceof DecodedValue.ExternValue x) {
      string(out, String.valueOf(x.value()));
    } else if (value instanceof DecodedValue.FlagsValue f) {
      out.append('[');
      List<FlagBit> set = f.set();
      for (int i = 0; i < set.size(); i++) {
        out.append(i > 0 ? "," : "");
        string(out, set.get(i).name());
      }
      out.append(']');
    } else if (value instanceof DecodedValue.OptionalValue o) {
      if (o.value().isPresent()) {
        value(out, o.value().get());
      } else {
        out.append("null");
      }
    } else if (value instanceof DecodedValue.ListValue l) {
      out.append('[');
      for (int i = 0; i < l.elements().size(); i++) {
        out.append(i > 0 ? "," : "");
        value(out, l.elements().get(i));
      }
      out.append(']');
    } else {
      fields(out, ((DecodedValue.StructValue) value).fields());
    }
  }

  /** A JSON string: see the class comment for what is escaped. */
  private static void string(Appendable out, String s) throws IOException {
    out.append('"');
    FormatOutput.escaped(out, s, JsonFormat::escape);
    out.append('"');
  }

  /** The escape of code point {@code c} in a JSON string, or null for {@code c} itself. */
  private static String escape(int c) {
    return switch (c) {
      case '"' -> "\\\"";
      case '\\' -> "\\\\";
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      case '\b' -> "\\b";
      case '\f' -> "\\f";
      // C0 and C1 controls and DEL, which terminals act on; U+2028 and U+2029 are valid JSON
      // but end lines in JavaScript source.
      default -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029 ? FormatOutput.utf16Escapes(c) : null;
    };
  }
}
