package dev.parley.spec.compat;

import dev.parley.spec.FlagBit;
import dev.parley.spec.Value;
import dev.parley.spec.Value.EnumValue;
import dev.parley.spec.Value.FlagsValue;
import dev.parley.spec.Value.FloatValue;

/** Values as a schema writes them, and whether two values put the same bytes on the wire. */
final class Values {

  private Values() {}

  /** The value in schema syntax: {@link Value#source}. */
  static String source(Value value) {
    return Value.source(value);
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

  /** A string literal with its escapes: {@link Value#quote}. */
  static String quote(String text) {
    return Value.quote(text);
  }
}
