package dev.parley.spec.compat;

import dev.parley.spec.FlagBit;
import dev.parley.spec.Value;
import dev.parley.spec.Value.BoolValue;
import dev.parley.spec.Value.EnumValue;
import dev.parley.spec.Value.FlagsValue;
import dev.parley.spec.Value.FloatValue;
import dev.parley.spec.Value.IntegerValue;
import dev.parley.spec.Value.StringValue;
import java.util.Locale;
import java.util.stream.Collectors;

/** Values as a schema writes them, and whether two values put the same bytes on the wire. */
final class Values {

  private Values() {}

  /** The value in schema syntax, such as {@code 3}, {@code -2.5}, {@code HIGH}, {@code {A, B}} or {@code []}. */
  static String source(Value value) {
    if (value instanceof IntegerValue i) {
      return i.value().toString();
    } else if (value instanceof FloatValue f) {
      return Double.toString(f.value());
    } else if (value instanceof BoolValue b) {
      return Boolean.toString(b.value());
    } else if (value instanceof StringValue s) {
      return quote(s.value());
    } else if (value instanceof EnumValue e) {
      return e.constant().name();
    } else if (value instanceof FlagsValue f) {
      return f.bits().stream().map(FlagBit::name).collect(Collectors.joining(", ", "{", "}"));
    }
    return "[]";
  }

  /**
   * Whether {@code a} and {@code b} travel as the same bytes: an enum constant by its value and a
   * set of flags by its bits, not by their names, so a renamed constant is the same default.
   */
  static boolean sameOnTheWire(Value a, Value b) {
    if (a instanceof EnumValue x && b instanceof EnumValue y) {
      return x.constant().value() == y.constant().value();
    }
    if (a instanceof FlagsValue x && b instanceof FlagsValue y) {
      return FlagBit.mask(x.bits()) == FlagBit.mask(y.bits());
    }
    if (a instanceof FloatValue x && b instanceof FloatValue y) {
      return Double.compare(x.value(), y.value()) == 0;
    }
    return a.equals(b);
  }

  /** A string literal with the escapes of SPEC.md 2.6 wherever the character needs one. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        case '\0' -> out.append("\\0");
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        default -> {
          // Model strings are valid Unicode (SPEC.md 5.6), so only controls need an escape.
          if (c < 0x20 || c == 0x7F) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
