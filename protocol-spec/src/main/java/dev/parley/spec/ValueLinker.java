package dev.parley.spec;

import com.google.common.collect.ImmutableList;
import dev.parley.spec.Element.BoolLiteral;
import dev.parley.spec.Element.EmptyListLiteral;
import dev.parley.spec.Element.FloatLiteral;
import dev.parley.spec.Element.IntegerLiteral;
import dev.parley.spec.Element.NameLiteral;
import dev.parley.spec.Element.SetLiteral;
import dev.parley.spec.Element.StringLiteral;
import dev.parley.spec.Element.ValueElement;
import dev.parley.spec.Element.Word;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Links the values of constants and field defaults against their types: one parser per kind of
 * type, each returning the typed {@link Value} or empty after reporting why the written value is
 * not one.
 */
final class ValueLinker {

  private final Reporter reporter;

  ValueLinker(Reporter reporter) {
    this.reporter = reporter;
  }

  /**
   * {@code value} as a value of {@code type}, or empty after reporting why it is not one;
   * {@code what} names the constant or default in the diagnostic.
   */
  Optional<Value> value(ValueElement value, FieldType type, String what) {
    if (type instanceof PrimitiveType primitive) {
      return primitive(value, primitive, what);
    } else if (type instanceof VarintType varint) {
      return varint(value, varint, what);
    } else if (type instanceof StringType string) {
      return string(value, string, what);
    } else if (type instanceof ListType || type instanceof BytesType) {
      return empty(value, what);
    } else if (type instanceof EnumType enumType) {
      return enumConstant(value, enumType, what);
    } else if (type instanceof FlagsType flags) {
      return flags(value, flags, what);
    }
    reporter.error(value.location(), what + ": a " + type.displayName()
        + " cannot have a default value; make the field optional");
    return Optional.empty();
  }

  private Optional<Value> primitive(ValueElement value, PrimitiveType primitive, String what) {
    if (primitive == PrimitiveType.BOOL) {
      return bool(value, what);
    }
    if (primitive.isFloatingPoint()) {
      return floatingPoint(value, primitive, what);
    }
    return integer(value, primitive, what);
  }

  private Optional<Value> bool(ValueElement value, String what) {
    if (value instanceof BoolLiteral b) {
      return Optional.of(new Value.BoolValue(b.value()));
    }
    return mismatch(value, what, "true or false");
  }

  /** An {@code f32} or {@code f64}: a float literal, or an integer literal read as a double. */
  private Optional<Value> floatingPoint(ValueElement value, PrimitiveType primitive, String what) {
    double number;
    if (value instanceof FloatLiteral f) {
      number = f.value();
    } else if (value instanceof IntegerLiteral i && !i.character()) {
      number = i.value().doubleValue();
      if (Double.isInfinite(number)) {
        reporter.error(value.location(), what + ": " + i.value().abs().toString().length()
            + "-digit integer does not fit " + primitive.keyword());
        return Optional.empty();
      }
    } else {
      return mismatch(value, what, "a number");
    }
    if (primitive == PrimitiveType.F32 && Math.abs(number) > Float.MAX_VALUE) {
      reporter.error(value.location(), what + ": " + number + " does not fit f32");
      return Optional.empty();
    }
    return Optional.of(new Value.FloatValue(number));
  }

  /** An integer type of any width and signedness: the literal must lie in its range. */
  private Optional<Value> integer(ValueElement value, PrimitiveType primitive, String what) {
    if (!(value instanceof IntegerLiteral i)) {
      return mismatch(value, what, "an integer");
    }
    if (i.character() && primitive.size() != 1) {
      Linker.refuseCharacter(reporter, i, what + " (" + primitive.keyword() + ")");
      return Optional.empty();
    }
    if (!primitive.fits(i.value())) {
      reporter.error(value.location(), what + ": " + i.value() + " does not fit "
          + primitive.keyword() + " (" + primitive.minValue() + " to " + primitive.maxValue() + ")");
      return Optional.empty();
    }
    return Optional.of(new Value.IntegerValue(i.value()));
  }

  /** A varint's value: an integer literal in its range (SPEC.md 13.11); a character is not one. */
  private Optional<Value> varint(ValueElement value, VarintType varint, String what) {
    if (!(value instanceof IntegerLiteral i)) {
      return mismatch(value, what, "an integer");
    }
    if (i.character()) {
      Linker.refuseCharacter(reporter, i, what + " (" + varint.displayName() + ")");
      return Optional.empty();
    }
    if (!varint.fits(i.value())) {
      reporter.error(value.location(), what + ": " + i.value() + " does not fit " + varint.displayName()
          + " (" + varint.minValue() + " to " + varint.maxValue() + ")");
      return Optional.empty();
    }
    return Optional.of(new Value.IntegerValue(i.value()));
  }

  /** A string literal with a UTF-8 form that fits the type's length prefix. */
  private Optional<Value> string(ValueElement value, StringType string, String what) {
    if (!(value instanceof StringLiteral s)) {
      return mismatch(value, what, "a string");
    }
    int surrogate = unpairedSurrogate(s.value());
    if (surrogate >= 0) {
      reporter.error(value.location(), what + ": unpaired surrogate \\u"
          + Integer.toHexString(s.value().charAt(surrogate)) + " has no UTF-8 form");
      return Optional.empty();
    }
    int bytes = s.value().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > string.size().maxValue()) {
      reporter.error(value.location(), what + ": " + bytes + " bytes of UTF-8 do not fit a "
          + string.size().keyword() + " length");
      return Optional.empty();
    }
    if (string.size() instanceof Size.Terminated && s.value().indexOf('\0') >= 0) {
      reporter.error(value.location(), what + ": a string<nul> cannot hold a NUL character,"
          + " which would end it");
      return Optional.empty();
    }
    return Optional.of(new Value.StringValue(s.value()));
  }

  /** A list or bytes: the only value the language can write for them is {@code []}. */
  private Optional<Value> empty(ValueElement value, String what) {
    if (value instanceof EmptyListLiteral) {
      return Optional.of(new Value.EmptyValue());
    }
    return mismatch(value, what, "[] (a default list or bytes is empty)");
  }

  private Optional<Value> enumConstant(ValueElement value, EnumType enumType, String what) {
    if (!(value instanceof NameLiteral n)) {
      return mismatch(value, what, "a constant of enum " + enumType.name());
    }
    Optional<EnumConstant> constant = enumType.constant(n.name());
    if (constant.isEmpty()) {
      reporter.error(value.location(), what + ": '" + n.name() + "' is not a constant of enum "
          + enumType.name());
      return Optional.empty();
    }
    return Optional.of(new Value.EnumValue(enumType, constant.get()));
  }

  /** A set of bits; every unknown or repeated bit is reported, in the order written. */
  private Optional<Value> flags(ValueElement value, FlagsType flags, String what) {
    if (!(value instanceof SetLiteral set)) {
      return mismatch(value, what, "a set of " + flags.name() + " bits, such as {} or {A, B}");
    }
    ImmutableList.Builder<FlagBit> bits = ImmutableList.builder();
    List<String> seen = new ArrayList<>();
    boolean ok = true;
    for (Word word : set.names()) {
      Optional<FlagBit> bit = flags.bit(word.text());
      if (bit.isEmpty()) {
        reporter.error(word.location(), what + ": '" + word.text() + "' is not a bit of flags "
            + flags.name());
        ok = false;
      } else if (seen.contains(word.text())) {
        reporter.error(word.location(), what + ": '" + word.text() + "' is named twice");
        ok = false;
      } else {
        seen.add(word.text());
        bits.add(bit.get());
      }
    }
    return ok ? Optional.of(new Value.FlagsValue(flags, bits.build())) : Optional.empty();
  }

  /** The index of the first surrogate that is not half of a pair, or -1. */
  private static int unpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  private Optional<Value> mismatch(ValueElement value, String what, String expected) {
    reporter.error(value.location(), what + " must be " + expected + ", not "
        + Linker.describe(value));
    return Optional.empty();
  }
}
