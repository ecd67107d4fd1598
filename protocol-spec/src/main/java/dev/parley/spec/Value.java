package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.math.BigInteger;

/**
 * A constant's value or a field's default, checked against the type it is given to. Integer
 * values are exact: a {@code u64} may hold up to 2<sup>64</sup>-1.
 */
public sealed interface Value {

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
