package dev.parley.cli;

import dev.parley.spec.MessageType;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.decode.CaptureReader;
import dev.parley.spec.decode.DecodeException;
import dev.parley.spec.decode.DecodedFrame;
import dev.parley.spec.decode.JsonFormat;
import dev.parley.spec.decode.SchemaDecoder;
import dev.parley.spec.decode.TextFormat;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code parley decode SCHEMA... [CAPTURE|-]}: reads a stream of frames with the schema,
 * interpreted at run time, and prints each frame as text or as a line of JSON. Decoded frames go
 * to standard output; every bad frame, and what {@code --keep-going} skipped, to standard error.
 */
@Command(
    name = "decode",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = ExitCodes.USAGE,
    customSynopsis = "parley decode [-I DIR]... [--message NAME] [--hex] [--json] [--keep-going] SCHEMA..."
        + " [CAPTURE|-]",
    description = {
      "Decode a stream of frames (a capture) with .parley schema files, and print every frame.",
      "The last FILE is the capture when it is - or does not end in .parley; without one, standard"
          + " input is read. Frames use the frame format of the first schema file named that declares"
          + " a message, or with --message that of the file declaring NAME."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every frame decoded",
      "1:a frame is malformed, too long or cut short",
      "2:the command line, the schema or the capture cannot be used: also bad hex text, and a"
          + " frame too large or too deeply nested for this JVM, even after frames were printed",
      "3:internal error (a bug in parley)",
      "4:standard output could not be written (a closed pipe): decoding stopped there"
    })
final class DecodeCommand implements Callable<Integer> {

  /**
   * The stack of the thread that decodes and prints: both recurse once per level of nesting, and
   * {@code parley check} accepts chains of structs hundreds of thousands deep. Only the part of
   * the stack a capture needs is ever touched.
   */
  private static final long DECODING_STACK_SIZE = 512L << 20;

  @Spec
  CommandSpec spec;

  @Mixin
  SchemaFiles schemaFiles;

  @Option(names = "--message", paramLabel = "NAME",
      description = "Decode every frame as this message (simple or qualified name), with the frame"
          + " format of the file that declares it; a frame of another type is bad.")
  String message;

  @Option(names = "--hex", description = "The capture is hex text: whitespace, 0x before a word and"
      + " # comments are ignored.")
  boolean hex;

  @Option(names = "--json", description = "Print one JSON object a frame, one a line.")
  boolean json;

  @Option(names = "--keep-going", description = "After a bad frame, go on with the next one; after an"
      + " impossible length prefix, with the next plausible frame.")
  boolean keepGoing;

  @Option(names = "--codec-path", paramLabel = "PATH", split = "${sys:path.separator}",
      description = "Where the codecs of extern types are: jars and class folders, separated as on a"
          + " class path. Without it, a frame with a field of an extern type is bad, and its error names the"
          + " codec it needs.")
  List<Path> codecPath = new java.util.ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    List<Path> files = schemaFiles.files;
    Path last = files.get(files.size() - 1);
    Optional<Path> capture = Optional.empty();
    if (last.toString().equals("-") || !last.toString().endsWith(".parley")) {
      capture = Optional.of(last);
      files.remove(files.size() - 1);
    }
    if (files.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "name a schema file before the capture " + last);
    }
    Optional<Schema> schema = schemaFiles.load(err);
    if (schema.isEmpty()) {
      return ExitCodes.USAGE;
    }
    Optional<SchemaDecoder> decoder = decoder(schema.get(), files, err);
    if (decoder.isEmpty()) {
      return ExitCodes.USAGE;
    }
    if (!codecPath.isEmpty()) {
      for (Path path : codecPath) {
        if (!java.nio.file.Files.exists(path)) {
          err.println("parley: error: --codec-path names " + path + ", which does not exist");
          return ExitCodes.USAGE;
        }
      }
      java.net.URL[] urls = new java.net.URL[codecPath.size()];
      for (int i = 0; i < urls.length; i++) {
        try {
          urls[i] = codecPath.get(i).toUri().toURL();
        } catch (java.net.MalformedURLException e) {
          err.println("parley: error: --codec-path names " + codecPath.get(i) + ": " + e.getMessage());
          return ExitCodes.USAGE;
        }
      }
      // The loader lives as long as the command: the codecs are used until the last frame.
      decoder = Optional.of(decoder.get().withCodecs(new java.net.URLClassLoader(urls, getClass().getClassLoader())));
    }
    String name = capture.map(Path::toString).orElse("-");
    try (InputStream in = open(capture)) {
      CaptureReader reader = new CaptureReader(decoder.get(), hex ? new HexInput(in) : in);
      return onDecodingThread(() -> decode(reader, spec.commandLine().getOut(), err));
    } catch (NoSuchFileException e) {
      err.println("parley: error: cannot read " + name + ": no such file");
    } catch (IOException e) {
      err.println("parley: error: cannot read " + name + ": " + e.getMessage());
    }
    return ExitCodes.USAGE;
  }

  /** The decoder of the file that declares {@code --message}, or of the first named file with messages. */
  private Optional<SchemaDecoder> decoder(Schema schema, List<Path> named, PrintWriter err) {
    if (message != null) {
      List<MessageType> found = schema.files().stream()
          .flatMap(file -> file.messages().stream())
          .filter(m -> m.name().equals(message) || m.qualifiedName().equals(message))
          .toList();
      if (found.size() == 1) {
        MessageType m = found.get(0);
        return Optional.of(SchemaDecoder.of(schema.fileOf(m)).onlyMessage(m));
      }
      err.println(found.isEmpty()
          ? "parley: error: no message '" + message + "' in the schema (messages: " + schema.files().stream()
              .flatMap(file -> file.messages().stream()).map(MessageType::qualifiedName)
              .collect(Collectors.joining(", ")) + ")"
          : "parley: error: message name '" + message + "' is ambiguous: " + found.stream()
              .map(MessageType::qualifiedName).collect(Collectors.joining(", ")) + "; use the qualified name");
      return Optional.empty();
    }
    for (Path path : named) {
      for (SchemaFile file : schema.files()) {
        if (file.path().equals(path) && !file.messages().isEmpty()) {
          return Optional.of(SchemaDecoder.of(file));
        }
      }
    }
    err.println("parley: error: no message to decode: " + named.stream().map(Path::toString)
        .collect(Collectors.joining(", ")) + " declare" + (named.size() == 1 ? "s" : "") + " none");
    return Optional.empty();
  }

  private static InputStream open(Optional<Path> capture) throws IOException {
    if (capture.isEmpty() || capture.get().toString().equals("-")) {
      return new FilterInputStream(System.in) {
        @Override
        public void close() {
          // Standard input belongs to the process, not to this command.
        }
      };
    }
    return Files.newInputStream(capture.get());
  }

  /**
   * Runs {@code decoding} on a thread with a {@link #DECODING_STACK_SIZE} stack, and gives its
   * result or rethrows what it threw.
   */
  private static int onDecodingThread(Callable<Integer> decoding) throws IOException {
    FutureTask<Integer> task = new FutureTask<>(decoding);
    Thread thread = new Thread(null, task, "parley-decode", DECODING_STACK_SIZE);
    thread.start();
    try {
      return task.get();
    } catch (InterruptedException e) {
      thread.interrupt();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      } else if (cause instanceof RuntimeException runtime) {
        throw runtime;
      } else if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }

  /**
   * Prints every frame, flushing after each so that frames show as a live stream brings them;
   * reports bad ones and, with --keep-going, goes on past them. When standard output fails,
   * stops at once and quietly: the usual cause is a reader that has seen enough ({@code | head}),
   * and the exit code says that output was lost. A frame that needs more memory or stack than
   * the JVM has ends decoding with a line that names it, not a stack trace.
   */
  private int decode(CaptureReader reader, PrintWriter out, PrintWriter err) throws IOException {
    long good = 0;
    long bad = 0;
    long skipped = 0;
    while (true) {
      long at = reader.offset();
      try {
        Optional<DecodedFrame> frame = reader.next();
        if (frame.isEmpty()) {
          break;
        }
        // Written as it is formatted: a frame of megabytes is never held as one string.
        if (json) {
          JsonFormat.write(frame.get(), out);
          out.append('\n');
        } else {
          TextFormat.write(frame.get(), out);
        }
        good++;
        if (out.checkError()) { // which flushes
          return ExitCodes.IO_ERROR;
        }
      } catch (DecodeException e) {
        bad++;
        if (out.checkError()) { // flushed, so that a terminal shows the error after the frames before it
          return ExitCodes.IO_ERROR;
        }
        err.println("parley: error: " + e.getMessage());
        if (!keepGoing || e.kind() == DecodeException.Kind.TRUNCATED) {
          break;
        }
        if (e.kind() == DecodeException.Kind.TOO_LONG) {
          CaptureReader.Resync resync = reader.resynchronize();
          skipped += resync.skipped();
          err.println(resync.found()
              ? "parley: skipped " + bytes(resync.skipped()) + " to the next plausible frame, at offset " + resync.to()
              : "parley: no plausible frame after offset " + resync.from() + ": skipped the last "
                  + bytes(resync.skipped()));
        }
      } catch (OutOfMemoryError e) {
        // What the frame held is garbage now: there is memory again to say so.
        return cannotDecode(at, "not enough memory to decode it (java -Xmx sets how much Java may use)", out, err);
      } catch (StackOverflowError e) {
        return cannotDecode(at, "nested too deeply to decode", out, err);
      }
    }
    if (out.checkError()) {
      return ExitCodes.IO_ERROR;
    }
    if (keepGoing && bad > 0) {
      err.println("parley: " + SchemaFiles.count(good, "frame") + " decoded, " + bad + " bad"
          + (skipped > 0 ? ", " + bytes(skipped) + " skipped" : ""));
    }
    return bad > 0 ? ExitCodes.BAD_FRAME : ExitCodes.OK;
  }

  private static int cannotDecode(long frameOffset, String problem, PrintWriter out, PrintWriter err) {
    out.flush();
    err.println("parley: error: frame at offset " + frameOffset + ": " + problem);
    return ExitCodes.USAGE;
  }

  private static String bytes(long n) {
    return SchemaFiles.count(n, "byte");
  }
}
