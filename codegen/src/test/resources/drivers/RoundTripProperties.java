package drivers;

import codegen.edges.At;
import codegen.edges.Bits64;
import codegen.edges.Bits8;
import codegen.edges.Choices;
import codegen.edges.EdgesMessage;
import codegen.edges.EdgesProtocol;
import codegen.edges.Empty;
import codegen.edges.Numbers;
import codegen.edges.Report;
import codegen.edges.Small;
import codegen.edges.Step;
import codegen.edges.Texts;
import codegen.edges.Wide;
import dev.parley.runtime.Bytes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Seeded properties: for random values of every message, decode(encode(x)) equals x and
 * encodedSize(x) is the number of bytes written. A failure names its seed; -Dparley.seed=N replays.
 */
public final class RoundTripProperties {

  private RoundTripProperties() {}

  public static void randomValuesRoundTripWithExactSizes() {
    String given = System.getProperty("parley.seed");
    long seed = given == null || given.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(given);
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0, n = Math.max(2000, Integer.getInteger("parley.values", 0)); i < n; i++) {
      EdgesMessage message = randomMessage(rnd, 1 + i % 50);
      try {
        Codec.assertRoundTrip(EdgesProtocol.INSTANCE, message);
      } catch (Throwable e) {
        throw new AssertionError("case " + i + " failed; rerun with -Dparley.seed=" + seed + ": " + message, e);
      }
    }
  }

  static EdgesMessage randomMessage(SplittableRandom rnd, int size) {
    return switch (rnd.nextInt(5)) {
      case 0 -> new Numbers(rnd.nextInt(256), rnd.nextInt(65536), rnd.nextLong(1L << 32), edgyLong(rnd),
          (byte) rnd.nextInt(), (short) rnd.nextInt(), rnd.nextInt(), edgyLong(rnd),
          Float.intBitsToFloat(rnd.nextInt()), Double.longBitsToDouble(edgyLong(rnd)), rnd.nextBoolean());
      case 1 -> new Texts(text(rnd, size), text(rnd, Math.min(size, 60)), text(rnd, size), bytes(rnd, size),
          bytes(rnd, Math.min(size, 255)), bytes(rnd, 4));
      case 2 -> new Choices(pick(rnd, Small.values()), pick(rnd, Wide.values()), subset(rnd, Bits8.class),
          subset(rnd, Bits64.class), rnd.nextBoolean() ? Optional.empty() : Optional.of(pick(rnd, Small.values())),
          rnd.nextBoolean() ? Optional.empty() : Optional.of(subset(rnd, Bits8.class)));
      case 3 -> new Report(text(rnd, Math.min(size, 60)), list(rnd, size, () -> new Step(rnd.nextInt(65536),
              new At(rnd.nextDouble(), -rnd.nextDouble()))),
          rnd.nextBoolean() ? Optional.empty() : Optional.of(new At(1, rnd.nextDouble())),
          rnd.nextBoolean() ? Optional.empty() : Optional.of(edgyLong(rnd)),
          list(rnd, size, () -> list(rnd, size, rnd::nextInt)),
          list(rnd, Math.min(size, 255), () -> text(rnd, 20)),
          list(rnd, size, rnd::nextBoolean),
          list(rnd, size, () -> pick(rnd, Small.values())),
          list(rnd, size, () -> bytes(rnd, 2)));
      default -> new Empty();
    };
  }

  static long edgyLong(SplittableRandom rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> 0;
      case 1 -> -1;
      case 2 -> Long.MIN_VALUE;
      default -> rnd.nextLong();
    };
  }

  static final String[] PIECES = {"a", "Z", "0", " ", "é", "€", "😀", "𝄞", "\u0000", "\uFFFF"};

  static String text(SplittableRandom rnd, int size) {
    StringBuilder out = new StringBuilder();
    int n = rnd.nextInt(size + 1) / 4;
    for (int i = 0; i < n; i++) {
      out.append(PIECES[rnd.nextInt(PIECES.length)]);
    }
    return out.toString();
  }

  static Bytes bytes(SplittableRandom rnd, int size) {
    byte[] bytes = new byte[size == 4 || size == 2 ? size : rnd.nextInt(size + 1)];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) rnd.nextInt();
    }
    return Bytes.of(bytes);
  }

  static <T> List<T> list(SplittableRandom rnd, int size, Supplier<T> element) {
    List<T> out = new ArrayList<>();
    int n = rnd.nextInt(size + 1) / 3;
    for (int i = 0; i < n; i++) {
      out.add(element.get());
    }
    return out;
  }

  static <T> T pick(SplittableRandom rnd, T[] values) {
    return values[rnd.nextInt(values.length)];
  }

  static <E extends Enum<E>> EnumSet<E> subset(SplittableRandom rnd, Class<E> type) {
    EnumSet<E> set = EnumSet.noneOf(type);
    for (E e : type.getEnumConstants()) {
      if (rnd.nextBoolean()) {
        set.add(e);
      }
    }
    return set;
  }
}
