package dev.parley.testing;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * A small property runner for JUnit 5 (or any test framework that reports thrown errors): runs a
 * property over generated values with a reported seed, shrinks a failing value with a shrinker,
 * and fails with the seed and the smallest counterexample found.
 *
 * <pre>{@code
 * Property.forAll("round trip", ChatGenerators::randomChatMessage)
 *     .shrinkWith(ChatGenerators::shrinkChatMessage)
 *     .check(message -> assertEquals(message, decode(encode(message))));
 * }</pre>
 *
 * <p>{@code -Dparley.seed=N} replays a run; {@code -Dparley.values=N} sets how many values each
 * property gets (default 200). Glue, not a framework.
 *
 * @param <T> the values the property is about
 */
public final class Property<T> {

  /** A generator: a random value whose size grows with {@code size} (0 to 100). */
  @FunctionalInterface
  public interface Generator<T> {
    T generate(RandomGenerator rnd, int size);
  }

  /** The property itself: throws (an AssertionError, any exception) when it does not hold. */
  @FunctionalInterface
  public interface Check<T> {
    void accept(T value) throws Exception;
  }

  /** Values per property when {@code -Dparley.values} is not given. */
  public static final int DEFAULT_VALUES = 200;

  private static final int MAX_SHRINK_STEPS = 1_000;

  private final String name;
  private final Generator<T> generator;
  private Function<T, Stream<T>> shrinker = value -> Stream.empty();
  private int values = Integer.getInteger("parley.values", DEFAULT_VALUES);

  private Property(String name, Generator<T> generator) {
    this.name = Objects.requireNonNull(name);
    this.generator = Objects.requireNonNull(generator);
  }

  public static <T> Property<T> forAll(String name, Generator<T> generator) {
    return new Property<>(name, generator);
  }

  /** How to make a failing value smaller: candidates, smallest first. */
  public Property<T> shrinkWith(Function<T, Stream<T>> shrinker) {
    this.shrinker = Objects.requireNonNull(shrinker);
    return this;
  }

  /** Runs {@code count} values, unless {@code -Dparley.values} says otherwise. */
  public Property<T> values(int count) {
    this.values = Integer.getInteger("parley.values", count);
    return this;
  }

  /** The seed of this run: {@code -Dparley.seed}, or a fresh random one. */
  public static long seed() {
    String given = System.getProperty("parley.seed");
    return given == null || given.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(given);
  }

  /**
   * Checks the property on {@link #values(int)} generated values.
   *
   * @return the number of values checked
   * @throws AssertionError naming the seed and the smallest counterexample when it fails
   */
  public int check(Check<T> property) {
    long seed = seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < values; i++) {
      int size = values == 1 ? 100 : (int) (100L * i / (values - 1));
      T value = generator.generate(rnd.split(), size);
      Throwable failure = failure(property, value);
      if (failure != null) {
        throw counterexample(seed, i, value, failure, property);
      }
    }
    return values;
  }

  private AssertionError counterexample(long seed, int index, T value, Throwable failure, Check<T> property) {
    T smallest = value;
    Throwable cause = failure;
    int steps = 0;
    boolean progress = true;
    while (progress && steps < MAX_SHRINK_STEPS) {
      progress = false;
      for (T candidate : (Iterable<T>) shrinker.apply(smallest).limit(200)::iterator) {
        steps++;
        Throwable candidateFailure = failure(property, candidate);
        if (candidateFailure != null) {
          smallest = candidate;
          cause = candidateFailure;
          progress = true;
          break;
        }
        if (steps >= MAX_SHRINK_STEPS) {
          break;
        }
      }
    }
    return new AssertionError("property '" + name + "' failed on value " + index + " (seed " + seed
        + "; rerun with -Dparley.seed=" + seed + ")\nsmallest counterexample (after " + steps
        + " shrink steps): " + describe(smallest) + "\ncause: " + cause, cause);
  }

  private static String describe(Object value) {
    if (value instanceof byte[] bytes) {
      return "bytes " + dev.parley.runtime.Bytes.of(bytes).hex();
    }
    return value instanceof Object[] array ? java.util.Arrays.deepToString(array) : String.valueOf(value);
  }

  private static <T> Throwable failure(Check<T> property, T value) {
    try {
      property.accept(value);
      return null;
    } catch (Exception | AssertionError e) {
      return e;
    }
  }
}
