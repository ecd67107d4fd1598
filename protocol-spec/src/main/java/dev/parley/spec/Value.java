package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.math.BigInteger;

/**
 * A constant's value or a field's default, checked against the type it is given to. Integer
 * values are exact: a {@code u64} may hold up to 2<sup>64</sup>-1.
 */
public sealed interface Value {

  /** The value in schema syntax, such as {@code 3}, {@code -2.5}, {@code HIGH}, {@code {A, B}} or {@code []}. */
  public static String source(Value value) {
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
      return f.bits().stream().map(FlagBit::name).collect(java.util.stream.Collectors.joining(", ", "{", "}"));
    }
    return "[]";
  }

  /** A string literal with the escapes of SPEC.md 2.6 wherever the character needs one. */
  public static String quote(String text) {
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
            out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** An integer, within the range of its type. */
  record IntegerValue(BigInteger value) implements Value {
    public IntegerValue {
      requireNonNull(value, "value");
    }
  }

  /** A floating-point number for an {@code f32} or {@code f64}. */
  record FloatValue(double value) implements Value {}

  /** {@code true} or {@code false}. */
  record BoolValue(boolean value) implements Value {}

  /** A string, with its escapes already resolved. */
  record StringValue(String value) implements Value {
    public StringValue {
      requireNonNull(value, "value");
    }
  }

  /** A constant of an enum type. */
  record EnumValue(EnumType type, EnumConstant constant) implements Value {
    public EnumValue {
      requireNonNull(type, "type");
      requireNonNull(constant, "constant");
    }
  }

  /** A set of bits of a flags type, in declaration order; {@code {}} is the empty set. */
  record FlagsValue(FlagsType type, ImmutableList<FlagBit> bits) implements Value {
    public FlagsValue {
      requireNonNull(type, "type");
      requireNonNull(bits, "bits");
    }
  }

  /** {@code []}: the empty list, or empty {@code bytes}. */
  record EmptyValue() implements Value {}
}
