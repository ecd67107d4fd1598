package dev.parley.spec;

import java.security.SecureRandom;
import java.util.function.LongConsumer;

/**
 * Seeds for property tests: a fresh random seed each run, or the one given with
 * {@code -Dparley.seed=N} to reproduce a failure. A failing case reports its seed.
 */
public final class Seeds {

  private Seeds() {}

  /** The seed of this run: {@code -Dparley.seed} if given, else a fresh random one. */
  public static long base() {
    String given = System.getProperty("parley.seed");
    return given == null || given.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(given);
  }

  /**
   * Runs {@code cases} cases, each with its own seed drawn from the base seed; a failure is
   * rethrown with the base seed and the case's seed in its message.
   */
  public static void forEachCase(int cases, LongConsumer body) {
    cases = Integer.getInteger("parley.values", cases); // -Pfuzz: 100,000
    long base = base();
    java.util.SplittableRandom seeds = new java.util.SplittableRandom(base);
    for (int i = 0; i < cases; i++) {
      long seed = seeds.nextLong();
      try {
        body.accept(seed);
      } catch (AssertionError | RuntimeException | StackOverflowError e) {
        throw new AssertionError("case " + i + " failed (case seed " + seed + "); rerun with -Dparley.seed="
            + base + ": " + e, e);
      }
    }
  }
}
