package dev.parley.spec;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.parley.spec.Element.IntegerLiteral;
import dev.parley.spec.Element.NameLiteral;
import dev.parley.spec.Element.OptionElement;
import dev.parley.spec.Element.StringLiteral;
import dev.parley.spec.Element.ValueElement;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * The options a schema file may set, one entry each: its name, what it means, and how its value is
 * read. Reads the option elements of a file into {@link FileOptions}, reporting a duplicate, an
 * unknown name or a bad value where it is written. A new option is one more entry of
 * {@link #OPTIONS}; the unknown-option diagnostic lists it from there.
 */
final class FileOptionTable {

  private FileOptionTable() {}

  /** Reads an option's value, or reports why it cannot and returns empty. */
  @FunctionalInterface
  interface ValueParser<T> {
    Optional<T> parse(ValueElement value, Reporter reporter);
  }

  /** The options of one file as read so far; those it does not set keep their default. */
  static final class Settings {
    Optional<String> javaPackage = Optional.empty();
    ByteOrder byteOrder = ByteOrder.BIG_ENDIAN;
    PrefixWidth lengthPrefix = PrefixWidth.U32;
    PrefixWidth typeId = PrefixWidth.U16;
    Optional<IntegerLiteral> maxFrameLength = Optional.empty();
  }

  /** One file option: its name in the schema, what it means, how its value is read and kept. */
  record FileOption<T>(
      String name, String description, ValueParser<T> parser, BiConsumer<Settings, T> setter) {
    void read(ValueElement value, Reporter reporter, Settings settings) {
      parser.parse(value, reporter).ifPresent(parsed -> setter.accept(settings, parsed));
    }
  }

  /** The largest frame a Java byte buffer can hold, with room for the array header. */
  static final long MAX_JAVA_FRAME = Integer.MAX_VALUE - 8;

  /** Every file option, in the order the unknown-option diagnostic lists them: by name. */
  static final ImmutableList<FileOption<?>> OPTIONS = ImmutableList.of(
      new FileOption<>("byte_order",
          "the order of every multi-byte integer and float: big_endian (the default) or little_endian",
          FileOptionTable::byteOrder, (settings, order) -> settings.byteOrder = order),
      new FileOption<>("java_package",
          "the Java package of generated code, when it differs from the schema package",
          FileOptionTable::javaPackage, (settings, name) -> settings.javaPackage = Optional.of(name)),
      new FileOption<>("length_prefix",
          "the width of the frame length, which counts the bytes after it: u16 or u32 (the default)",
          width("length_prefix", PrefixWidth.U16, PrefixWidth.U32),
          (settings, width) -> settings.lengthPrefix = width),
      new FileOption<>("max_frame_length",
          "the largest frame body a decoder accepts, in bytes (with a frame declaration: the whole"
              + " frame, header included); longer frames are refused",
          FileOptionTable::maxFrameLength,
          (settings, literal) -> settings.maxFrameLength = Optional.of(literal)),
      new FileOption<>("type_id",
          "the width of the type id that starts every frame body: u8 or u16 (the default)",
          width("type_id", PrefixWidth.U8, PrefixWidth.U16),
          (settings, width) -> settings.typeId = width));

  private static final ImmutableMap<String, FileOption<?>> BY_NAME =
      OPTIONS.stream().collect(ImmutableMap.toImmutableMap(FileOption::name, option -> option));

  private static final String KNOWN =
      OPTIONS.stream().map(FileOption::name).collect(Collectors.joining(", "));

  /** The options {@code options} set, with defaults for the rest; reports every problem. */
  static FileOptions read(Reporter reporter, List<OptionElement> options, Optional<FrameLayout> frame,
      boolean frameDeclared) {
    Map<String, OptionElement> seen = new LinkedHashMap<>();
    Settings settings = new Settings();
    for (OptionElement option : options) {
      String name = option.name().text();
      OptionElement first = seen.putIfAbsent(name, option);
      if (first != null) {
        reporter.error(option.name().location(), "duplicate option '" + name
            + "' (first set at " + Linker.at(first.name().location()) + ")");
        continue;
      }
      FileOption<?> known = BY_NAME.get(name);
      if (frameDeclared && (name.equals("length_prefix") || name.equals("type_id"))) {
        reporter.error(option.name().location(), "option " + name + " does not apply to a file that"
            + " declares its frame: the frame declaration gives its fields' widths");
      } else if (known == null) {
        reporter.error(option.name().location(), "unknown option '" + name + "' (known: " + KNOWN + ")");
      } else {
        known.read(option.value(), reporter, settings);
      }
    }
    return frame.isPresent() ? resolve(reporter, settings, frame.get()) : resolve(reporter, settings);
  }

  /** Checks max_frame_length against a declared frame: the whole frame, header included. */
  private static FileOptions resolve(Reporter reporter, Settings settings, FrameLayout frame) {
    long limit = Math.min(frame.largestFrame(), MAX_JAVA_FRAME);
    long max = Math.min(FileOptions.DEFAULT_MAX_FRAME_LENGTH, limit);
    if (max < frame.headerSize()) {
      reporter.error(frame.location(), "the frame's header takes " + frame.headerSize()
          + " bytes, more than the longest frame its length can describe (" + max + ")");
    }
    if (settings.maxFrameLength.isPresent()) {
      BigInteger value = settings.maxFrameLength.get().value();
      if (value.compareTo(BigInteger.valueOf(frame.headerSize())) < 0
          || value.compareTo(BigInteger.valueOf(limit)) > 0) {
        reporter.error(settings.maxFrameLength.get().location(), "max_frame_length " + value
            + " is out of range: a frame holds at least its " + frame.headerSize() + "-byte header"
            + (frame.length().isPresent() ? ", and its length field allows at most " : ", and at most ")
            + limit);
      } else {
        max = value.longValueExact();
      }
    }
    return new FileOptions(settings.javaPackage, settings.byteOrder, settings.lengthPrefix, settings.typeId, max);
  }

  /** Checks what depends on more than one option: max_frame_length against both widths. */
  private static FileOptions resolve(Reporter reporter, Settings settings) {
    PrefixWidth lengthPrefix = settings.lengthPrefix;
    PrefixWidth typeId = settings.typeId;
    long limit = Math.min(lengthPrefix.maxValue(), MAX_JAVA_FRAME);
    long max = Math.min(FileOptions.DEFAULT_MAX_FRAME_LENGTH, limit);
    if (settings.maxFrameLength.isPresent()) {
      BigInteger value = settings.maxFrameLength.get().value();
      if (value.compareTo(BigInteger.valueOf(typeId.size())) < 0
          || value.compareTo(BigInteger.valueOf(limit)) > 0) {
        reporter.error(settings.maxFrameLength.get().location(), "max_frame_length " + value
            + " is out of range: a frame body holds at least its " + typeId.keyword()
            + " type id, and a " + lengthPrefix.keyword() + " length prefix allows at most " + limit);
      } else {
        max = value.longValueExact();
      }
    }
    return new FileOptions(settings.javaPackage, settings.byteOrder, lengthPrefix, typeId, max);
  }

  // ---- One parser per option ------------------------------------------------------------------

  private static Optional<String> javaPackage(ValueElement value, Reporter reporter) {
    if (value instanceof StringLiteral s && !s.value().isEmpty()) {
      // A package that is not valid Java is reported but kept, so later checks see it as written.
      checkJavaPackage(reporter, s.value(), s.location(), "java_package '%s' is not a valid Java package (%s)");
      return Optional.of(s.value());
    }
    reporter.error(value.location(),
        "option java_package takes a Java package name in quotes, such as \"com.example.chat\"");
    return Optional.empty();
  }

  private static Optional<ByteOrder> byteOrder(ValueElement value, Reporter reporter) {
    String word = word(value);
    if (word.equals("big_endian")) {
      return Optional.of(ByteOrder.BIG_ENDIAN);
    } else if (word.equals("little_endian")) {
      return Optional.of(ByteOrder.LITTLE_ENDIAN);
    }
    reporter.error(value.location(), "option byte_order is big_endian or little_endian" + found(value));
    return Optional.empty();
  }

  /** A parser of an option that takes one of two widths, as in "option type_id is u8 or u16". */
  private static ValueParser<PrefixWidth> width(String option, PrefixWidth one, PrefixWidth other) {
    return (value, reporter) -> {
      Optional<PrefixWidth> width = PrefixWidth.forKeyword(word(value));
      if (width.isPresent() && (width.get() == one || width.get() == other)) {
        return width;
      }
      reporter.error(value.location(), "option " + option + " is " + one.keyword() + " or "
          + other.keyword() + found(value));
      return Optional.empty();
    };
  }

  /** The literal itself: whether it fits the widths is checked once both widths are known. */
  private static Optional<IntegerLiteral> maxFrameLength(ValueElement value, Reporter reporter) {
    if (value instanceof IntegerLiteral i && i.character()) {
      Linker.refuseCharacter(reporter, i, "option max_frame_length");
      return Optional.empty();
    } else if (value instanceof IntegerLiteral i) {
      return Optional.of(i);
    }
    reporter.error(value.location(), "option max_frame_length takes a number of bytes" + found(value));
    return Optional.empty();
  }

  /**
   * Reports {@code name} at {@code location} unless every segment is a Java identifier; {@code
   * format} takes the name and why it is not valid.
   */
  static void checkJavaPackage(Reporter reporter, String name, SourceLocation location, String format) {
    for (String segment : name.split("\\.", -1)) {
      if (!JavaNames.isIdentifier(segment)) {
        String why = JavaNames.isKeyword(segment)
            ? "'" + segment + "' is a Java keyword" : "'" + segment + "' is not a Java identifier";
        reporter.error(location, String.format(Locale.ROOT, format, name, why));
        return;
      }
    }
  }

  private static String word(ValueElement value) {
    return value instanceof NameLiteral n ? n.name() : "";
  }

  private static String found(ValueElement value) {
    return ", not " + Linker.describe(value);
  }
}
