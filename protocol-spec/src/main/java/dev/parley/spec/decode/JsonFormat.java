package dev.parley.spec.decode;

import dev.parley.spec.FlagBit;
import dev.parley.spec.PrimitiveType;
import java.util.List;
import java.util.Locale;

/**
 * Renders a decoded frame as one line of JSON:
 * {@code {"offset":0,"length":34,"message":"Sample","typeId":7,"fields":{...}}}, with
 * {@code "skippedBytes":N} added when a newer writer's bytes followed the known fields. Fields
 * keep their schema names and order. Values:
 *
 * <ul>
 *   <li>integers are numbers when a double holds them exactly (magnitude at most 2<sup>53</sup>),
 *       otherwise decimal strings ({@code "18446744073709551615"}), so no JSON reader rounds them;
 *   <li>floats are numbers, except NaN and the infinities, which JSON lacks: {@code "NaN"},
 *       {@code "Infinity"}, {@code "-Infinity"};
 *   <li>bytes are lower-case hex strings; enums their constant's name; flags an array of the
 *       names of the bits set, in declaration order;
 *   <li>an absent optional is {@code null}, a present one its value; lists are arrays and structs
 *       objects.
 * </ul>
 */
public final class JsonFormat {

  /** 2<sup>53</sup>: every integer of at most this magnitude is exact in a double. */
  private static final long EXACT_IN_DOUBLE = 1L << 53;

  private JsonFormat() {}

  /** The frame as one JSON object, without a line break. */
  public static String format(DecodedFrame frame) {
    StringBuilder out = new StringBuilder();
    out.append("{\"offset\":").append(frame.offset())
        .append(",\"length\":").append(frame.length())
        .append(",\"message\":");
    string(out, frame.message().name());
    out.append(",\"typeId\":").append(frame.message().id()).append(",\"fields\":");
    fields(out, frame.fields());
    if (frame.skippedBytes() > 0) {
      out.append(",\"skippedBytes\":").append(frame.skippedBytes());
    }
    return out.append('}').toString();
  }

  private static void fields(StringBuilder out, List<DecodedField> fields) {
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

  private static void value(StringBuilder out, DecodedValue value) {
    if (value instanceof DecodedValue.IntValue i) {
      boolean exact = i.type() == PrimitiveType.U64
          ? Long.compareUnsigned(i.value(), EXACT_IN_DOUBLE) <= 0
          : i.value() >= -EXACT_IN_DOUBLE && i.value() <= EXACT_IN_DOUBLE;
      if (exact) {
        out.append(i.decimal());
      } else {
        out.append('"').append(i.decimal()).append('"');
      }
    } else if (value instanceof DecodedValue.FloatValue f) {
      boolean finite = Double.isFinite(f.value());
      out.append(finite ? f.decimal() : '"' + f.decimal() + '"');
    } else if (value instanceof DecodedValue.BoolValue b) {
      out.append(b.value());
    } else if (value instanceof DecodedValue.StringValue s) {
      string(out, s.value());
    } else if (value instanceof DecodedValue.BytesValue b) {
      out.append('"').append(b.hex()).append('"');
    } else if (value instanceof DecodedValue.EnumValue e) {
      string(out, e.constant().name());
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

  /** A JSON string (RFC 8259): quotes, backslashes and control characters escaped, the rest as is. */
  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          // U+2028 and U+2029 are valid JSON but end lines in JavaScript source: escaped too.
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
