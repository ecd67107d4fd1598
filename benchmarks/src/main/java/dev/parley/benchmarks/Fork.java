package dev.parley.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs a benchmark's {@code main} in a JVM of its own, as JMH forks, so that no measured path's
 * profile or garbage shapes another's code: a fixed 1 GiB heap, the exports Agrona (under SBE)
 * needs, this JVM's class path.
 */
final class Fork {

  /** The least time {@link #warmThenMeasure} spends warming up, unless {@link #WARM_UP_PROPERTY} says otherwise. */
  static final double WARM_UP_SECONDS = 5;
  /** A system property, handed on to every fork: the least seconds of warm-up (a smoke run's 0). */
  static final String WARM_UP_PROPERTY = "parley.bench.warmUpSeconds";
  private static final int MAX_WARM_UPS = 50;

  private Fork() {}

  /**
   * Runs {@code main} with {@code args} and returns what it printed, trimmed.
   *
   * @throws IllegalStateException if it failed or did not end within {@code minutes}
   */
  static String run(Class<?> main, long minutes, String... args) throws Exception {
    Process fork = start(main, args);
    String output = new String(fork.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    if (!fork.waitFor(minutes, TimeUnit.MINUTES) || fork.exitValue() != 0) {
      fork.destroyForcibly();
      throw new IllegalStateException(String.join(" ", args) + " failed: " + output);
    }
    return output;
  }

  /** One measured run of a benchmark, in seconds. */
  @FunctionalInterface
  interface Timed {
    double seconds() throws Exception;
  }

  /**
   * In the forked JVM: full-size warm-up runs, at least two and at least {@link #WARM_UP_SECONDS}
   * of them (the loops reach their final compiled form only after a few million frames, and a
   * Netty pipeline's code after some seconds: with two short runs the compiler was still busy in the
   * measured ones, which then varied by 2x within one JVM), then three measured runs, printed as
   * seconds for {@link #seconds}.
   */
  static void warmThenMeasure(Timed run) throws Exception {
    double least = Double.parseDouble(System.getProperty(WARM_UP_PROPERTY, String.valueOf(WARM_UP_SECONDS)));
    double warmed = 0;
    for (int r = 0; r < 2 || (warmed < least && r < MAX_WARM_UPS); r++) {
      warmed += run.seconds();
    }
    StringBuilder seconds = new StringBuilder();
    for (int r = 0; r < 3; r++) {
      seconds.append(run.seconds()).append(' ');
    }
    System.out.println(seconds.toString().trim());
  }

  /** Runs {@code main} with {@code args} as {@link #run} does, and reads the seconds {@link #warmThenMeasure} printed. */
  static double[] seconds(Class<?> main, String... args) throws Exception {
    return Arrays.stream(run(main, 5, args).split("\\s+")).mapToDouble(Double::parseDouble).toArray();
  }

  /**
   * Runs each of {@code forks} (the arguments of one fork of {@code main}) once a round, in turn,
   * for {@code rounds} rounds, and returns the median seconds of each fork's measured runs,
   * {@code [round][fork]}. A ratio taken within one round compares runs minutes apart at most,
   * where the machine's loopback moves by up to 2x over longer spans: the median of the rounds'
   * ratios is steadier than the ratio of medians taken one transport after another.
   */
  static double[][] rounds(Class<?> main, int rounds, List<String[]> forks) throws Exception {
    double[][] seconds = new double[rounds][forks.size()];
    for (int r = 0; r < rounds; r++) {
      for (int f = 0; f < forks.size(); f++) {
        seconds[r][f] = median(seconds(main, forks.get(f)));
        System.err.printf(Locale.ROOT, "  round %d: %s %.4f s%n", r + 1, String.join(" ", forks.get(f)),
            seconds[r][f]);
      }
    }
    return seconds;
  }

  /** The median over the rounds of {@code seconds[r][fork]}, one fork's seconds. */
  static double median(double[][] seconds, int fork) {
    return median(Arrays.stream(seconds).mapToDouble(round -> round[fork]).toArray());
  }

  /** The median, least and greatest over the rounds of {@code seconds[r][anchor] / seconds[r][of]}. */
  static double[] ratios(double[][] seconds, int of, int anchor) {
    double[] ratios = Arrays.stream(seconds).mapToDouble(round -> round[anchor] / round[of]).toArray();
    return new double[] {median(ratios), Arrays.stream(ratios).min().orElseThrow(),
        Arrays.stream(ratios).max().orElseThrow()};
  }

  /** The median of {@code values}. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Starts {@code main} with {@code args} as {@link #run} does, for a caller that reads what it prints as it comes. */
  static Process start(Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
    String warmUp = System.getProperty(WARM_UP_PROPERTY);
    if (warmUp != null) {
      command.add("-D" + WARM_UP_PROPERTY + "=" + warmUp);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }
}
