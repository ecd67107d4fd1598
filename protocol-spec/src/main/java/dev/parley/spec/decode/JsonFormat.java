package dev.parley.spec.decode;

import dev.parley.spec.FlagBit;
import dev.parley.spec.PrimitiveType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

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
    try {
      write(frame, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder does not throw
    }
    return out.toString();
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
    out.append(",\"typeId\":").append(Integer.toString(frame.message().id())).append(",\"fields\":");
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
      // U+2028 and U+2029 are valid JSON but end lines in JavaScript source: escaped too.
      default -> c < 0x20 || c == 0x2028 || c == 0x2029 ? FormatOutput.utf16Escapes(c) : null;
    };
  }
}
