package dev.parley.benchmarks;

import dev.parley.benchmarks.FramingThroughput.Payload;
import dev.parley.benchmarks.FramingThroughput.Result;
import dev.parley.benchmarks.FramingThroughput.Transport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The whole comparison in one run: the codec benchmarks (JMH with the GC profiler), with
 * PostgreSQL's DataRow and RowDescription and one string in three encodings beside them,
 * PostgreSQL's declared frame against Parley's own, the framing throughput and the memory a connection costs, printed as Markdown tables with every Parley figure as a ratio to the anchors
 * measured in the same run. Also written to {@code benchmarks/target/results.md}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar [--quick]};
 * {@code --quick} is a smoke run (short iterations, few frames) whose figures mean nothing.
 */
public final class Suite {

  private static final List<String> MESSAGES = List.of("order", "chat", "blob");
  private static final List<String> SYSTEMS = List.of("Parley", "Hand", "Sbe", "Protobuf");
  private static final String ALLOCATION = "gc.alloc.rate.norm";

  private final StringBuilder out = new StringBuilder();

  private Suite() {}

  /** A measured codec operation: time and allocation per operation. */
  private record Figure(double nanos, double nanosError, double bytes) {}

  /**
   * Runs the suite with no arguments or {@code --quick}; anything else goes to JMH's own command
   * line, so that {@code java -jar benchmarks.jar CodecBenchmark -prof gc} runs JMH as usual.
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 1 || (args.length == 1 && !args[0].equals("--quick"))) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    boolean quick = args.length == 1;
    if (quick) {
      System.setProperty(Fork.WARM_UP_PROPERTY, "0"); // two short warm-up runs a fork, as a smoke run needs
    }
    Suite suite = new Suite();
    suite.line("# Parley benchmark suite, " + LocalDate.now() + (quick ? " (quick smoke run: figures mean nothing)" : ""));
    suite.line("");
    suite.line(String.format(Locale.ROOT, "%s %s, %s, %d cores", System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"), System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors()));
    suite.line("");
    suite.codecs(quick);
    suite.headerFraming(quick);
    suite.framing(quick);
    suite.printed("TLS 1.3 (AES-GCM): Parley's event loop against Netty's SslHandler (JDK provider)",
        () -> TlsThroughput.main(quick ? new String[] {"100000", "20000", "1"} : new String[0]));
    suite.printed("Parley's codecs inside Netty, against Netty's LengthField codecs and a hand-written codec",
        () -> NettyCodecThroughput.main(quick ? new String[] {"200000", "20000"} : new String[0]));
    suite.printed("A group of two event loops against one: request/reply over 100 connections",
        () -> GroupRequestReply.main(quick ? new String[] {"1", "100", "4", "1"} : new String[0]));
    suite.memory(quick);
    Path results = Path.of("benchmarks", "target", "results.md");
    if (Files.isDirectory(results.getParent())) {
      Files.writeString(results, suite.out, StandardCharsets.UTF_8);
      System.out.println("(also written to " + results + ")");
    }
  }

  /** The benchmarks of {@code benchmark}: five iterations of a second, one with {@code quick}, one fork. */
  private static ChainedOptionsBuilder options(Class<?> benchmark, boolean quick) {
    return new OptionsBuilder()
        .include(benchmark.getName() + "\\.")
        .warmupIterations(quick ? 1 : 5)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(quick ? 1 : 5)
        .measurementTime(TimeValue.seconds(1))
        .forks(1)
        .verbosity(VerboseMode.SILENT);
  }

  private void codecs(boolean quick) throws Exception {
    Options options = options(CodecBenchmark.class, quick).addProfiler(GCProfiler.class).build();
    System.err.println("codec benchmarks: 43 of them, about 12 s each...");
    Collection<RunResult> runs = new Runner(options).run();
    Map<String, Figure> figures = new HashMap<>();
    for (RunResult run : runs) {
      String name = run.getParams().getBenchmark();
      var allocation = run.getSecondaryResults().get(ALLOCATION);
      figures.put(name.substring(name.lastIndexOf('.') + 1), new Figure(run.getPrimaryResult().getScore(),
          run.getPrimaryResult().getScoreError(), allocation == null ? Double.NaN : allocation.getScore()));
    }
    line("## Codecs: ns/op and B/op (JMH average time, `-prof gc`)");
    line("");
    line("| message | operation | Parley | hand-written | SBE | protobuf-java | Parley ÷ hand | Parley ÷ SBE | Parley ÷ protobuf |");
    line("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for (String message : MESSAGES) {
      for (String operation : List.of("Encode", "Decode", "Size")) {
        StringBuilder row = new StringBuilder("| " + capitalized(message) + " | " + operation.toLowerCase(Locale.ROOT));
        for (String system : SYSTEMS) {
          Figure figure = figures.get(message + system + operation);
          row.append(" | ").append(figure == null ? "—"
              : String.format(Locale.ROOT, "%.1f ± %.1f ns, %.0f B", figure.nanos, figure.nanosError, figure.bytes));
        }
        Figure parley = figures.get(message + "Parley" + operation);
        for (String anchor : List.of("Hand", "Sbe", "Protobuf")) {
          Figure other = figures.get(message + anchor + operation);
          row.append(" | ").append(parley == null || other == null ? "—"
              : String.format(Locale.ROOT, "%.2f", parley.nanos / other.nanos));
        }
        line(row.append(" |").toString());
      }
    }
    line("");
    line("Encoded sizes in bytes: " + EncodedSizes.describe());
    line("");
    postgresMessages(figures);
    strings(figures);
  }

  /** DataRow and RowDescription, Parley only, beside Order and Chat of the same run. */
  private void postgresMessages(Map<String, Figure> figures) {
    line("## PostgreSQL's DataRow and RowDescription (Parley; Order and Chat of the same run beside them)");
    line("");
    line("| message | bytes | encode | decode |");
    line("|---|---:|---:|---:|");
    for (String[] message : List.of(
        new String[] {"dataRow", "DataRow, 10 text columns, one NULL", Integer.toString(EncodedSizes.dataRow())},
        new String[] {"rowDescription", "RowDescription, 5 fields", Integer.toString(EncodedSizes.rowDescription())},
        new String[] {"order", "Order (above)", Integer.toString(EncodedSizes.order())},
        new String[] {"chat", "Chat (above)", Integer.toString(EncodedSizes.chat())})) {
      line(String.format(Locale.ROOT, "| %s | %s | %s | %s |", message[1], message[2],
          figure(figures.get(message[0] + "ParleyEncode")), figure(figures.get(message[0] + "ParleyDecode"))));
    }
    line("");
    line("Bytes: for DataRow and RowDescription the whole frame, PostgreSQL's tag and length included (encode"
        + " writes it, decode reads and checks it); for Order and Chat the body with its type id.");
    line("");
  }

  /**
   * The same text decoded from three encodings: speed against the u16-prefixed string as the
   * prefixed string's time over the other's, so that 0.90 means 90% of its throughput.
   */
  private void strings(Map<String, Figure> figures) {
    line("## One string, three encodings (Parley): decode and encode");
    line("");
    line("Speed ÷ prefixed is the prefixed string's ns/op over this one's: below 1, slower than the prefixed string.");
    line("");
    line("| text | operation | `string` (u16 count) | `string<nul>` | `u16 n; string<n>` | `string<nul>` speed ÷ prefixed"
        + " | `string<n>` speed ÷ prefixed |");
    line("|---|---|---:|---:|---:|---:|---:|");
    for (int length : List.of(40, 200)) {
      for (String operation : List.of("Decode", "Encode")) {
        Figure prefixed = figures.get("prefixed" + length + "Parley" + operation);
        Figure nul = figures.get("nul" + length + "Parley" + operation);
        Figure sized = figures.get("sized" + length + "Parley" + operation);
        line(String.format(Locale.ROOT, "| %d bytes of ASCII | %s | %s | %s | %s | %s | %s |", length,
            operation.toLowerCase(Locale.ROOT), figure(prefixed), figure(nul), figure(sized), speed(prefixed, nul),
            speed(prefixed, sized)));
      }
    }
    line("");
  }

  private static String figure(Figure figure) {
    return figure == null ? "—"
        : String.format(Locale.ROOT, "%.1f ± %.1f ns, %.0f B", figure.nanos, figure.nanosError, figure.bytes);
  }

  private static String speed(Figure base, Figure other) {
    return base == null || other == null ? "—" : String.format(Locale.ROOT, "%.2f", base.nanos / other.nanos);
  }

  private void headerFraming(boolean quick) throws Exception {
    Options options = options(HeaderFramingBenchmark.class, quick).build();
    System.err.println("header framing: 12 benchmarks, about 12 s each...");
    Map<String, Figure> figures = new HashMap<>();
    for (RunResult run : new Runner(options).run()) {
      String name = run.getParams().getBenchmark();
      figures.put(name.substring(name.lastIndexOf('.') + 1) + " " + run.getParams().getParam("message"),
          new Figure(run.getPrimaryResult().getScore(), run.getPrimaryResult().getScoreError(), Double.NaN));
    }
    line(String.format(Locale.ROOT, "## PostgreSQL's frame against Parley's own: %,d frames fed in %d KiB chunks,"
        + " ns per frame", HeaderFramingBenchmark.FRAMES, HeaderFramingBenchmark.CHUNK / 1024));
    line("");
    line("| message | operation | Parley's frame | PostgreSQL's frame | PostgreSQL ÷ Parley, frames/s |");
    line("|---|---|---:|---:|---:|");
    for (String message : MESSAGES) {
      for (String operation : List.of("Decode", "Cut")) {
        Figure parley = figures.get("parley" + operation + " " + message);
        Figure postgres = figures.get("postgres" + operation + " " + message);
        line(String.format(Locale.ROOT, "| %s | %s | %.1f ± %.1f ns | %.1f ± %.1f ns | %.2f |", capitalized(message),
            operation.equals("Cut") ? "cut only" : "cut and decode", parley.nanos, parley.nanosError,
            postgres.nanos, postgres.nanosError, parley.nanos / postgres.nanos));
      }
    }
    line("");
  }

  private void framing(boolean quick) throws Exception {
    System.err.println("framing: " + Transport.values().length + " transports, 2 body sizes, 5 runs each...");
    line("## Framing over 127.0.0.1: one connection, one way (median of 3 runs)");
    line("");
    line("Rows for one direction have the event loop or Netty on one side and the raw baseline's side on the"
        + " other; their ÷ Netty is to Netty doing the same. The ceiling bounds the receiving rows: a sink that"
        + " only counts bytes shows what the raw sender can give any receiver. Netty's senders write one prebuilt"
        + " body; Parley's encode a record, and their ÷ Netty sending records is to Netty encoding the same records"
        + " through a hand-written encoder.");
    line("");
    for (Payload payload : List.of(Payload.SMALL, Payload.LARGE)) {
      int frames = payload == Payload.SMALL ? (quick ? 200_000 : 5_000_000) : (quick ? 20_000 : 250_000);
      List<Result> results = FramingThroughput.measure(payload, frames, List.of(Transport.values()));
      Result raw = find(results, Transport.RAW);
      line(String.format(Locale.ROOT, "%,d frames of a %,d-byte body (%,d bytes a frame):", frames,
          payload.bodySize(), payload.frameSize()));
      line("");
      line("| transport | frames/s | MB/s | ÷ raw | ÷ Netty | ÷ Netty sending records |");
      line("|---|---:|---:|---:|---:|---:|");
      for (Result result : results) {
        Transport encoding = result.transport().nettyEncoding();
        line(String.format(Locale.ROOT, "| %s | %,.0f | %,.1f | %.2f | %.2f | %s |", result.transport().label,
            result.framesPerSecond(), result.megabytesPerSecond(), result.framesPerSecond() / raw.framesPerSecond(),
            result.framesPerSecond() / find(results, result.transport().netty()).framesPerSecond(),
            encoding == null ? ""
                : String.format(Locale.ROOT, "%.2f", result.framesPerSecond() / find(results, encoding).framesPerSecond())));
      }
      line("");
      line(String.format(Locale.ROOT, "Share of the time spent decoding into records: blocking %.0f%%, event loop %.0f%%.",
          100 * decodeShare(find(results, Transport.BLOCKING), find(results, Transport.BLOCKING_DECODE)),
          100 * decodeShare(find(results, Transport.EVENT_LOOP), find(results, Transport.EVENT_LOOP_DECODE))));
      line("");
    }
  }

  /** A benchmark's main, which prints its own tables. */
  @FunctionalInterface
  private interface Printing {
    void run() throws Exception;
  }

  /** A benchmark that prints its own tables: what it prints, under {@code title}. */
  private void printed(String title, Printing benchmark) throws Exception {
    System.err.println(title + "...");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream console = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      benchmark.run();
    } finally {
      System.setOut(console);
    }
    line("## " + title);
    line("");
    line("```");
    line(printed.toString(StandardCharsets.UTF_8).strip());
    line("```");
    line("");
  }

  private void memory(boolean quick) throws Exception {
    System.err.println("memory per connection: 4 servers, about 8 s each...");
    line("## Memory per connection (heap retained, bytes allocated)");
    line("");
    for (String row : IdleConnectionMemory.table(IdleConnectionMemory.measure(quick ? 500 : 5_000, quick ? 200 : 1_000))) {
      line(row);
    }
    line("");
  }

  /** The part of the decoding run's time that the run without decoding did not spend. */
  private static double decodeShare(Result framesOnly, Result decoded) {
    return 1 - decoded.framesPerSecond() / framesOnly.framesPerSecond();
  }

  private static Result find(List<Result> results, Transport transport) {
    return results.stream().filter(r -> r.transport() == transport).findFirst().orElseThrow();
  }

  private static String capitalized(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }

  private void line(String text) {
    System.out.println(text);
    System.out.flush();
    out.append(text).append('\n');
  }
}
