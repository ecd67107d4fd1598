package dev.parley.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * The {@code parley} command. Exit codes: 0 success, 1 the schema (or for decode, a frame) has
 * errors, 2 the command line is wrong or names something unusable, 3 a bug in parley, 4 output
 * could not be written. Nothing ends in a stack trace.
 */
public final class Main {

  private Main() {}

  /** Runs the command with {@code args} on standard output and error, and exits with its code. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(out, err, args));
  }

  /** Runs the command with {@code args}, printing to {@code out} and {@code err}; the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new ParleyCommand())
        .setOut(out)
        .setErr(err)
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          // Nothing a schema contains gets here; this is a bug, reported as one, not a trace dump.
          cmd.getErr().println("parley: internal error: " + e);
          return ExitCodes.INTERNAL;
        });
    int code;
    try {
      code = commandLine.execute(args);
    } catch (Error e) {
      // picocli hands only Exceptions to the handler above. An Error no command handled (decode
      // reports running out of memory or stack itself) is reported the same way.
      err.println("parley: internal error: " + e);
      code = ExitCodes.INTERNAL;
    }
    out.flush();
    err.flush();
    return code;
  }
}
