package dev.parley.testing;

import dev.parley.runtime.Bytes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Random values for generated generators, biased toward edges (0, the maximum, the minimum,
 * empty, 4-byte UTF-8) and growing with {@code size}; and the shrinking steps that reduce them.
 * Every value respects the wire type it is asked for.
 */
public final class Arbitrary {

  private static final String[] TEXT = {"a", "Z", "0", " ", "é", "€", "😀", "𝄞", "\u0000", "\uFFFF"};

  private Arbitrary() {}

  /** An unsigned integer of {@code bits} bits (8, 16 or 32), often 0 or the maximum. */
  public static long unsigned(RandomGenerator rnd, int bits) {
    long max = (1L << bits) - 1;
    return switch (rnd.nextInt(6)) {
      case 0 -> 0;
      case 1 -> max;
      case 2 -> 1;
      default -> rnd.nextLong(max + 1);
    };
  }

  /** A signed integer of {@code bits} bits (8, 16, 32 or 64), often 0, -1, the minimum or the maximum. */
  public static long signed(RandomGenerator rnd, int bits) {
    long min = bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1));
    long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
    return switch (rnd.nextInt(8)) {
      case 0 -> 0;
      case 1 -> -1;
      case 2 -> min;
      case 3 -> max;
      default -> bits == 64 ? rnd.nextLong() : min + rnd.nextLong(max - min + 1);
    };
  }

  /**
   * The unsigned value of a varint of at most {@code maxBytes} bytes (1 to 10), as a long's bits:
   * of an encoded length from 1 to {@code maxBytes} picked first, often the least or the greatest
   * value of that length (0, 127, 128, 16383, ...), so that every length and its edges come up.
   */
  public static long varint(RandomGenerator rnd, int maxBytes) {
    if (maxBytes < 1 || maxBytes > 10) {
      throw new IllegalArgumentException("maxBytes " + maxBytes);
    }
    int length = 1 + rnd.nextInt(maxBytes);
    long least = length == 1 ? 0 : 1L << 7 * (length - 1);
    long greatest = length == 10 ? -1L : (1L << 7 * length) - 1;
    return switch (rnd.nextInt(4)) {
      case 0 -> least;
      case 1 -> greatest;
      // Ten bytes carry the values with bit 63 set, negative as longs.
      default -> length == 10 ? rnd.nextLong() | Long.MIN_VALUE : least + rnd.nextLong(greatest - least + 1);
    };
  }

  /**
   * A signed value whose zigzag form a varint of at most {@code maxBytes} bytes carries: as
   * {@link #varint}, through zigzag's inverse, so 0, -1, 1, -2 and each length's edges come up.
   */
  public static long zigzag(RandomGenerator rnd, int maxBytes) {
    long unsigned = varint(rnd, maxBytes);
    return unsigned >>> 1 ^ -(unsigned & 1);
  }

  public static float f32(RandomGenerator rnd) {
    return switch (rnd.nextInt(6)) {
      case 0 -> 0f;
      case 1 -> -0f;
      case 2 -> Float.NaN;
      default -> Float.intBitsToFloat(rnd.nextInt());
    };
  }

  public static double f64(RandomGenerator rnd) {
    return switch (rnd.nextInt(6)) {
      case 0 -> 0d;
      case 1 -> -0d;
      case 2 -> Double.NaN;
      default -> Double.longBitsToDouble(rnd.nextLong());
    };
  }

  /** A string of at most {@code maxBytes} bytes of UTF-8, up to about {@code size} characters. */
  public static String string(RandomGenerator rnd, int size, long maxBytes) {
    StringBuilder out = new StringBuilder();
    int target = rnd.nextInt(size + 1);
    int bytes = 0;
    for (int i = 0; i < target; i++) {
      String piece = TEXT[rnd.nextInt(TEXT.length)];
      int length = piece.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes + length > maxBytes) {
        break;
      }
      out.append(piece);
      bytes += length;
    }
    return out.toString();
  }

  /**
   * A string for {@code string<nul>}: as {@link #string}, without the NUL character, which would
   * end it on the wire.
   */
  public static String cstring(RandomGenerator rnd, int size, long maxBytes) {
    return string(rnd, size, maxBytes).replace("\u0000", "");
  }

  /** Random bytes: exactly {@code exact} of them when it is not negative, else up to {@code size} (and {@code max}). */
  public static Bytes bytes(RandomGenerator rnd, int size, long max, int exact) {
    int n = exact >= 0 ? exact : (int) Math.min(max, rnd.nextInt(size + 1));
    byte[] out = new byte[n];
    rnd.nextBytes(out);
    return Bytes.of(out);
  }

  /** A list size up to a third of {@code size} (so nesting stays small) and {@code max}. */
  public static int listSize(RandomGenerator rnd, int size, long max) {
    return (int) Math.min(max, rnd.nextInt(size / 3 + 1));
  }

  /** One of {@code values}. */
  public static <T> T oneOf(RandomGenerator rnd, T[] values) {
    return values[rnd.nextInt(values.length)];
  }

  /** A random subset of an enum's constants: empty, full, or each with even odds. */
  public static <E extends Enum<E>> EnumSet<E> subset(RandomGenerator rnd, Class<E> type) {
    EnumSet<E> set = EnumSet.noneOf(type);
    int mode = rnd.nextInt(4);
    for (E e : type.getEnumConstants()) {
      if (mode == 1 || (mode > 1 && rnd.nextBoolean())) {
        set.add(e);
      }
    }
    return set;
  }

  /** A list of {@code n} elements from {@code element}. */
  public static <T> List<T> list(int n, java.util.function.Supplier<T> element) {
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(element.get());
    }
    return out;
  }

  /** {@code list} without the elements {@code excluded} accepts: a sentinel-ended list's sentinels. */
  public static <T> List<T> without(List<T> list, java.util.function.Predicate<T> excluded) {
    List<T> out = new ArrayList<>(list);
    out.removeIf(excluded);
    return out;
  }

  // ---- Shrinking ------------------------------------------------------------------------------

  /** Smaller integers: 0, then halfway toward 0. */
  public static Stream<Long> shrinkLong(long value) {
    return value == 0 ? Stream.empty() : Stream.of(0L, value / 2).distinct().filter(v -> v != value);
  }

  public static Stream<Double> shrinkDouble(double value) {
    return value == 0 && Double.doubleToRawLongBits(value) == 0 ? Stream.empty() : Stream.of(0d);
  }

  /** Shorter strings: empty, then the first half (cut between code points). */
  public static Stream<String> shrinkString(String value) {
    if (value.isEmpty()) {
      return Stream.empty();
    }
    int half = value.offsetByCodePoints(0, value.codePointCount(0, value.length()) / 2);
    return Stream.of("", value.substring(0, half)).distinct().filter(v -> !v.equals(value));
  }

  /** Shorter byte strings: empty, then the first half. */
  public static Stream<Bytes> shrinkBytes(Bytes value) {
    if (value.isEmpty()) {
      return Stream.empty();
    }
    return Stream.of(Bytes.empty(), Bytes.of(value.toByteArray(), 0, value.size() / 2))
        .distinct().filter(v -> !v.equals(value));
  }

  /** Byte strings of a fixed size: all zero. */
  public static Stream<Bytes> shrinkFixedBytes(Bytes value) {
    Bytes zero = Bytes.of(new byte[value.size()]);
    return value.equals(zero) ? Stream.empty() : Stream.of(zero);
  }

  /**
   * Smaller lists: empty, the first half, each with one element removed (the first few), then
   * each element shrunk in place.
   */
  public static <T> Stream<List<T>> shrinkList(List<T> value, java.util.function.Function<T, Stream<T>> element) {
    if (value.isEmpty()) {
      return Stream.empty();
    }
    Stream<List<T>> shorter = Stream.of(List.<T>of(), List.copyOf(value.subList(0, value.size() / 2)));
    Stream<List<T>> removed = IntStream.range(0, Math.min(value.size(), 8)).mapToObj(i -> {
      List<T> copy = new ArrayList<>(value);
      copy.remove(i);
      return copy;
    });
    Stream<List<T>> shrunk = IntStream.range(0, Math.min(value.size(), 8)).boxed()
        .flatMap(i -> element.apply(value.get(i)).map(smaller -> {
          List<T> copy = new ArrayList<>(value);
          copy.set(i, smaller);
          return copy;
        }));
    return Stream.concat(Stream.concat(shorter, removed), shrunk).distinct().filter(v -> !v.equals(value));
  }

  /** Empty, then the value shrunk. */
  public static <T> Stream<java.util.Optional<T>> shrinkOptional(java.util.Optional<T> value,
      java.util.function.Function<T, Stream<T>> inner) {
    if (value.isEmpty()) {
      return Stream.empty();
    }
    return Stream.concat(Stream.of(java.util.Optional.<T>empty()), inner.apply(value.get()).map(java.util.Optional::of));
  }

  /** The empty set, if not already. */
  public static <E extends Enum<E>> Stream<EnumSet<E>> shrinkSet(EnumSet<E> value) {
    return value.isEmpty() ? Stream.empty() : Stream.of(EnumSet.copyOf(value)).map(s -> {
      s.clear();
      return s;
    });
  }

  /** The first constant, if not already. */
  public static <E extends Enum<E>> Stream<E> shrinkEnum(E value) {
    E first = value.getDeclaringClass().getEnumConstants()[0];
    return value == first ? Stream.empty() : Stream.of(first);
  }
}
