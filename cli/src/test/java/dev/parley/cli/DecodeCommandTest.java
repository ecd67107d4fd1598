package dev.parley.cli;

import static dev.parley.cli.CheckCommandTest.parley;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.cli.CheckCommandTest.Run;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parley decode}: captures as text and JSON, from files, hex and stdin; bad frames and
 * usage; live streams, closed pipes, and frames too large or deep for the JVM.
 */
class DecodeCommandTest {

  /** SPEC.md 9.1's schema. */
  private static final String DEMO = "package demo.v1;\n"
      + "enum Color : u8 { RED = 1; GREEN = 2; BLUE = 3; }\n"
      + "flags Perms : u8 { READ = 0; WRITE = 1; ADMIN = 7; }\n"
      + "struct Point { i16 x; i16 y; }\n"
      + "message Sample = 7 {\n"
      + "  u16 port; i32 delta; string greeting; optional u32 session; optional string nick;\n"
      + "  list<Point> path; Color color; Perms perms;\n"
      + "}\n"
      + "message Bye = 8 { bytes<u8> token; }\n";
  /** SPEC.md 9.1's frame, 38 bytes. */
  private static final String SAMPLE =
      "0000002200071f90fffffffe000668c3a96c6c6f010000002a00000200010002fffd00040381";
  private static final String SAMPLE_TEXT = "offset 0, length 34: Sample (type id 7)\n"
      + "  port = 8080\n"
      + "  delta = -2\n"
      + "  greeting = \"héllo\"\n"
      + "  session = present 42\n"
      + "  nick = absent\n"
      + "  path = list of 2\n"
      + "    [0] = Point\n"
      + "      x = 1\n"
      + "      y = 2\n"
      + "    [1] = Point\n"
      + "      x = -3\n"
      + "      y = 4\n"
      + "  color = BLUE (3)\n"
      + "  perms = {READ, ADMIN} (0x81)\n";
  /** A Bye frame, 9 bytes. */
  private static final String BYE = "00000005" + "0008" + "02" + "cafe";
  private static final String BYE_TEXT = "offset 38, length 5: Bye (type id 8)\n"
      + "  token = 2 bytes: cafe\n";
  /** Sample with color 4, which Color does not declare. */
  private static final String BAD_COLOR = SAMPLE.substring(0, SAMPLE.length() - 4) + "0481";

  @TempDir
  Path dir;

  private Path schema;

  @BeforeEach
  void writeSchema() throws IOException {
    schema = dir.resolve("demo.parley");
    Files.writeString(schema, DEMO);
  }

  private Path capture(String hex) throws IOException {
    Path file = dir.resolve("capture.bin");
    Files.write(file, HexFormat.of().parseHex(hex));
    return file;
  }

  private Run decode(String hex, String... options) throws IOException {
    String[] args = new String[options.length + 3];
    args[0] = "decode";
    System.arraycopy(options, 0, args, 1, options.length);
    args[options.length + 1] = schema.toString();
    args[options.length + 2] = capture(hex).toString();
    return parley(args);
  }

  private static String text(String s) {
    return s.replace("\r\n", "\n");
  }

  private static void assertNoStackTrace(Run run) {
    assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
  }

  @Test
  void printsEachFrameAsIndentedText() throws IOException {
    Run run = decode(SAMPLE + BYE);
    assertEquals("", run.err());
    assertEquals(SAMPLE_TEXT + BYE_TEXT, text(run.out()));
    assertEquals(0, run.exitCode());
  }

  @Test
  void printsEachFrameAsALineOfJson() throws IOException {
    Run run = decode(SAMPLE + BYE, "--json");
    assertEquals("", run.err());
    assertEquals("{\"offset\":0,\"length\":34,\"message\":\"Sample\",\"typeId\":7,\"fields\":{\"port\":8080,"
        + "\"delta\":-2,\"greeting\":\"héllo\",\"session\":42,\"nick\":null,\"path\":[{\"x\":1,\"y\":2},"
        + "{\"x\":-3,\"y\":4}],\"color\":\"BLUE\",\"perms\":[\"READ\",\"ADMIN\"]}}\n"
        + "{\"offset\":38,\"length\":5,\"message\":\"Bye\",\"typeId\":8,\"fields\":{\"token\":\"cafe\"}}\n",
        text(run.out()));
    assertEquals(0, run.exitCode());
  }

  @Test
  void readsHexTextWithSpacesPrefixesAndComments() throws IOException {
    Path hex = dir.resolve("capture.hex");
    Files.writeString(hex, "# SPEC.md 9.1\n00 00 00 22\n0x0007 1F90 " + SAMPLE.substring(16) + "\r\n"
        + BYE.replaceAll("(..)", "$1 ") + " # Bye\n");
    Run run = parley("decode", "--hex", schema.toString(), hex.toString());
    assertEquals("", run.err());
    assertEquals(SAMPLE_TEXT + BYE_TEXT, text(run.out()));
  }

  @Test
  void badHexIsAnInputErrorThatSaysWhere() throws IOException {
    Path hex = dir.resolve("capture.hex");
    Files.writeString(hex, "0000\n00 2g\n");
    Run run = parley("decode", "--hex", schema.toString(), hex.toString());
    assertEquals(2, run.exitCode());
    assertEquals("parley: error: cannot read " + hex + ": not a hex digit: 'g' at line 2, column 5\n", text(run.err()));
    Files.writeString(hex, "000");
    assertTrue(parley("decode", "--hex", schema.toString(), hex.toString()).err()
        .contains("odd number of hex digits: the digit at line 1, column 3 has no second digit"));
  }

  @Test
  void readsStandardInputWithoutACaptureOrWithADash() throws IOException {
    InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream(HexFormat.of().parseHex(SAMPLE)));
      Run run = parley("decode", schema.toString());
      assertEquals(SAMPLE_TEXT, text(run.out()));
      assertEquals(0, run.exitCode());
      System.setIn(new ByteArrayInputStream((BYE + "\n").getBytes(StandardCharsets.US_ASCII)));
      Run hex = parley("decode", "--hex", "--json", schema.toString(), "-");
      assertEquals("{\"offset\":0,\"length\":5,\"message\":\"Bye\",\"typeId\":8,\"fields\":{\"token\":\"cafe\"}}\n",
          text(hex.out()));
    } finally {
      System.setIn(stdin);
    }
  }

  @Test
  void aTruncatedCaptureReportsTheOffsetAndTheMissingBytes() throws IOException {
    Run run = decode(SAMPLE + SAMPLE.substring(0, 20));
    assertEquals(1, run.exitCode());
    assertEquals(SAMPLE_TEXT, text(run.out()));
    assertEquals("parley: error: frame at offset 38, length 34: stream ended inside the body: 6 of 34 bytes,"
        + " 28 missing\n", text(run.err()));
    Run prefix = decode(SAMPLE + "0000");
    assertEquals("parley: error: frame at offset 38: stream ended inside the length prefix: 2 of 4 bytes,"
        + " 2 missing\n", text(prefix.err()));
    assertNoStackTrace(prefix);
  }

  @Test
  void aMalformedFrameNamesTheFieldAndBothOffsetsAndStops() throws IOException {
    Run run = decode(BAD_COLOR + BYE);
    assertEquals(1, run.exitCode());
    assertEquals("", run.out());
    assertEquals("parley: error: frame at offset 0, length 34: Sample.color: undeclared Color value 4, at body"
        + " offset 32 (stream offset 36)\n", text(run.err()));
    assertNoStackTrace(run);
  }

  @Test
  void keepGoingSkipsAMalformedFrameByItsLength() throws IOException {
    Run run = decode(BAD_COLOR + BYE, "--keep-going");
    assertEquals(1, run.exitCode());
    assertEquals(BYE_TEXT, text(run.out()));
    assertEquals("parley: error: frame at offset 0, length 34: Sample.color: undeclared Color value 4, at body"
        + " offset 32 (stream offset 36)\n"
        + "parley: 1 frame decoded, 1 bad\n", text(run.err()));
  }

  @Test
  void keepGoingResynchronisesAfterAnImpossibleLength() throws IOException {
    // The skipped bytes hold a decoy at offset 42: a length within bounds whose body, 0008 03
    // cafe, claims a token of 3 bytes and has 2. The scan must pass over it to the Bye at 51.
    Run run = decode(SAMPLE + "ffffffff" + "00000005" + "000803cafe" + BYE, "--keep-going");
    assertEquals(1, run.exitCode());
    assertEquals(SAMPLE_TEXT + BYE_TEXT.replace("offset 38", "offset 51"), text(run.out()));
    assertEquals("parley: error: frame at offset 38, length 4294967295: length prefix 4294967295 exceeds"
        + " max_frame_length 1048576\n"
        + "parley: skipped 13 bytes to the next plausible frame, at offset 51\n"
        + "parley: 2 frames decoded, 1 bad, 13 bytes skipped\n", text(run.err()));
    Run stop = decode(SAMPLE + "ffffffff0102" + BYE);
    assertEquals(1, stop.exitCode());
    assertEquals(SAMPLE_TEXT, text(stop.out()));
    Run lost = decode("ffffffff" + "0102", "--keep-going");
    assertEquals("parley: error: frame at offset 0, length 4294967295: length prefix 4294967295 exceeds"
        + " max_frame_length 1048576\n"
        + "parley: no plausible frame after offset 0: skipped the last 6 bytes\n"
        + "parley: 0 frames decoded, 1 bad, 6 bytes skipped\n", text(lost.err()));
  }

  /** PostgreSQL's server messages: a declared frame, a tag then a length counting itself. */
  private static final String PG_BACKEND = "package pg.backend;\n"
      + "frame {\n  type_id u8 tag;\n  length i32 length counts itself and following;\n}\n"
      + "message AuthenticationOk = 'R' { i32 code; }\n"
      + "message ReadyForQuery = 'Z' { u8 status; }\n";
  /** AuthenticationOk and ReadyForQuery 'I', as a PostgreSQL 15 server sent them. */
  private static final String PG_FRAMES = "520000000800000000" + "5a0000000549";
  private static final String PG_TEXT = "offset 0, length 9: AuthenticationOk\n"
      + "  header\n"
      + "    tag = 82\n"
      + "    length = 8\n"
      + "  code = 0\n"
      + "offset 9, length 6: ReadyForQuery\n"
      + "  header\n"
      + "    tag = 90\n"
      + "    length = 5\n"
      + "  status = 73\n";

  private Run decodePg(String hex, String... options) throws IOException {
    schema = dir.resolve("pg_backend.parley");
    Files.writeString(schema, PG_BACKEND);
    return decode(hex, options);
  }

  @Test
  void aDeclaredFrameIsDecodedWithItsHeader() throws IOException {
    Run run = decodePg(PG_FRAMES);
    assertEquals("", run.err());
    assertEquals(PG_TEXT, text(run.out()));
    assertEquals(0, run.exitCode());
    Run json = decodePg(PG_FRAMES.substring(0, 18), "--json");
    assertEquals("{\"offset\":0,\"length\":9,\"message\":\"AuthenticationOk\",\"header\":{\"tag\":82,"
        + "\"length\":8},\"fields\":{\"code\":0}}\n", text(json.out()));
  }

  @Test
  void aDeclaredFrameWithAnImpossibleLengthIsRefusedAndSkippedWithKeepGoing() throws IOException {
    // A length of 2 counts itself and following: smaller than its own 4 bytes, no frame has it.
    String bad = "5a00000002";
    Run stop = decodePg(PG_FRAMES.substring(0, 18) + bad + PG_FRAMES.substring(18));
    assertEquals(1, stop.exitCode());
    assertEquals("parley: error: frame at offset 9: length: length 2 is smaller than the 4 bytes of the"
        + " length itself\n", text(stop.err()));
    Run run = decodePg(PG_FRAMES.substring(0, 18) + bad + PG_FRAMES.substring(18), "--keep-going");
    assertEquals(1, run.exitCode());
    assertEquals(PG_TEXT.replace("offset 9,", "offset 14,"), text(run.out()));
    assertEquals("parley: error: frame at offset 9: length: length 2 is smaller than the 4 bytes of the"
        + " length itself\n"
        + "parley: skipped 5 bytes to the next plausible frame, at offset 14\n"
        + "parley: 2 frames decoded, 1 bad, 5 bytes skipped\n", text(run.err()));
    assertNoStackTrace(run);
  }

  @Test
  void aDeclaredFrameCutShortSaysWhatIsMissing() throws IOException {
    Run header = decodePg("5a0000");
    assertEquals("parley: error: frame at offset 0: stream ended inside the frame header: 3 of 5 bytes,"
        + " 2 missing\n", text(header.err()));
    Run frame = decodePg("5a00000005");
    assertEquals("parley: error: frame at offset 0, length 6: stream ended inside the frame: 5 of 6 bytes,"
        + " 1 missing\n", text(frame.err()));
  }

  /** SPEC.md 13: a size kept in an earlier field, a list of nullable columns, a list ended by "". */
  private static final String BODIES = "package bodies.cli;\n"
      + "message Get = 1 {\n"
      + "  u8 key_length; string<key_length> key; list<nullable bytes<i32>, i16> columns;\n"
      + "  list<string<nul>, until \"\"> words;\n"
      + "}\n";

  @Test
  void sizeFieldsAreShownWithTheirValuesAndTooLargeOnesReportedWhereTheyAre() throws IOException {
    schema = dir.resolve("bodies.parley");
    Files.writeString(schema, BODIES);
    String frame = "00000014" + "0001" + "03" + "6b6579" + "0002" + "ffffffff" + "0000000131" + "6100" + "00";
    Run run = decode(frame);
    assertEquals("", run.err());
    assertEquals("offset 0, length 20: Get (type id 1)\n"
        + "  key_length = 3\n"
        + "  key = \"key\"\n"
        + "  columns = list of 2\n"
        + "    [0] = absent\n"
        + "    [1] = present 1 byte: 31\n"
        + "  words = list of 1\n"
        + "    [0] = \"a\"\n", text(run.out()));
    assertEquals("{\"offset\":0,\"length\":20,\"message\":\"Get\",\"typeId\":1,\"fields\":{\"key_length\":3,"
        + "\"key\":\"key\",\"columns\":[null,\"31\"],\"words\":[\"a\"]}}\n", text(decode(frame, "--json").out()));
    // A key_length of 9 with 5 bytes left: refused at key_length's offset, before anything is read.
    Run bad = decode("00000008" + "0001" + "09" + "6b6579" + "0000");
    assertEquals(1, bad.exitCode());
    assertEquals("parley: error: frame at offset 0, length 8: Get.key: length 9 exceeds the 5 bytes left, at body"
        + " offset 2 (stream offset 6)\n", text(bad.err()));
  }

  @Test
  void messagePicksTheFileAndTheOnlyMessageToDecode() throws IOException {
    Path tiny = dir.resolve("tiny.parley");
    Files.writeString(tiny, "package tiny;\noption byte_order = little_endian;\noption length_prefix = u16;\n"
        + "option type_id = u8;\nmessage Ping = 3 { u32 seq; i16 skew; string<u8> tag; list<u16, u8> ports;"
        + " f32 load; }\n");
    Path capture = capture("13000302010000feff026f6b025000bb010000c03f");
    Run run = parley("decode", "--json", "--message", "tiny.Ping", schema.toString(), tiny.toString(),
        capture.toString());
    assertEquals("{\"offset\":0,\"length\":19,\"message\":\"Ping\",\"typeId\":3,\"fields\":{\"seq\":258,"
        + "\"skew\":-2,\"tag\":\"ok\",\"ports\":[80,443],\"load\":1.5}}\n", text(run.out()));
    assertEquals(0, run.exitCode(), run.err());
    Run other = parley("decode", "--message", "Bye", schema.toString(), capture(SAMPLE + BYE).toString());
    assertEquals(1, other.exitCode());
    assertEquals("parley: error: frame at offset 0, length 34: type_id: type id 7 is Sample, not Bye, at body"
        + " offset 0 (stream offset 4)\n", text(other.err()));
  }

  @Test
  void framesUseTheFirstNamedFileThatDeclaresAMessage() throws IOException {
    Path common = dir.resolve("common.parley");
    Files.writeString(common, "package common;\nstruct Unused { u8 x; }\n");
    Run run = parley("decode", common.toString(), schema.toString(), capture(SAMPLE).toString());
    assertEquals(SAMPLE_TEXT, text(run.out()));
    Run none = parley("decode", common.toString(), capture(SAMPLE).toString());
    assertEquals(2, none.exitCode());
    assertEquals("parley: error: no message to decode: " + common + " declares none\n", text(none.err()));
  }

  @Test
  void usageSchemaAndInputErrorsExitTwo() throws IOException {
    assertEquals(2, parley("decode").exitCode());
    assertEquals(2, parley("decode", "--no-such-option", schema.toString()).exitCode());
    Run noSchema = parley("decode", "capture.bin");
    assertEquals(2, noSchema.exitCode());
    assertTrue(noSchema.err().startsWith("name a schema file before the capture capture.bin"), noSchema.err());
    Run unknown = parley("decode", "--message", "Nope", schema.toString(), capture(SAMPLE).toString());
    assertEquals(2, unknown.exitCode());
    assertEquals("parley: error: no message 'Nope' in the schema (messages: demo.v1.Sample, demo.v1.Bye)\n",
        text(unknown.err()));
    Path bad = dir.resolve("bad.parley");
    Files.writeString(bad, "package bad;\nmessage M = 1 { Nope x; }\n");
    Run schemaError = parley("decode", bad.toString(), capture(SAMPLE).toString());
    assertEquals(2, schemaError.exitCode());
    assertTrue(schemaError.err().startsWith(bad + ":2:17: error: unknown type 'Nope'"), schemaError.err());
    Run missing = parley("decode", schema.toString(), dir.resolve("nope.bin").toString());
    assertEquals(2, missing.exitCode());
    assertEquals("parley: error: cannot read " + dir.resolve("nope.bin") + ": no such file\n", text(missing.err()));
    assertTrue(parley("decode", "--help").out().contains("--keep-going"));
  }

  @Test
  void badHexAfterSomeFramesPrintsThemThenStopsWithExitTwo() throws IOException {
    Path hex = dir.resolve("capture.hex");
    Files.writeString(hex, SAMPLE + "\n" + BYE.substring(0, 6) + " 0z\n");
    Run run = parley("decode", "--hex", schema.toString(), hex.toString());
    assertEquals(SAMPLE_TEXT, text(run.out()));
    assertEquals("parley: error: cannot read " + hex + ": not a hex digit: 'z' at line 2, column 9\n", text(run.err()));
    assertEquals(2, run.exitCode());
  }

  /** Runs parley with {@code stdin} as standard input. */
  private static Run withStdin(InputStream stdin, String... args) {
    InputStream saved = System.in;
    System.setIn(stdin);
    try {
      return parley(args);
    } finally {
      System.setIn(saved);
    }
  }

  /** Hands out {@code bytes}, then throws {@code error} from every read. */
  private static InputStream thenThrowing(byte[] bytes, Error error) {
    return new InputStream() {
      private int at;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (at == bytes.length) {
          throw error;
        }
        int n = Math.min(len, bytes.length - at);
        System.arraycopy(bytes, at, b, off, n);
        at += n;
        return n;
      }
    };
  }

  /** Standard output as a program sees it: bytes that arrive only when the writer flushes. */
  private static final class Terminal extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CountDownLatch sawSample = new CountDownLatch(1);

    @Override
    public synchronized void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      bytes.write(b, off, len);
      if (text(bytes.toString(StandardCharsets.UTF_8)).equals(SAMPLE_TEXT)) {
        sawSample.countDown();
      }
    }
  }

  @Test
  void eachFrameIsShownAsSoonAsItIsDecoded() throws Exception {
    CountDownLatch endOfStream = new CountDownLatch(1);
    InputStream live = new InputStream() {
      private boolean sent;

      @Override
      public int read() {
        throw new AssertionError("one byte at a time");
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (!sent) {
          sent = true;
          byte[] frame = HexFormat.of().parseHex(SAMPLE);
          System.arraycopy(frame, 0, b, off, frame.length);
          return frame.length;
        }
        try {
          // A live capture: the next frame has not come yet.
          endOfStream.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new InterruptedIOException();
        }
        return -1;
      }
    };
    Terminal terminal = new Terminal();
    int[] exitCode = {-1};
    InputStream saved = System.in;
    System.setIn(live);
    try {
      Thread decoding = new Thread(() -> exitCode[0] = Main.run(new PrintWriter(terminal, false, StandardCharsets.UTF_8),
          new PrintWriter(new StringWriter()), "decode", schema.toString(), "-"));
      decoding.start();
      boolean shown = terminal.sawSample.await(60, TimeUnit.SECONDS);
      endOfStream.countDown();
      decoding.join(60_000);
      assertTrue(shown, "the first frame was not shown while the stream stayed open");
      assertFalse(decoding.isAlive());
      assertEquals(0, exitCode[0]);
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void aClosedStandardOutputStopsDecodingQuietlyWithExitFour() {
    byte[] frame = HexFormat.of().parseHex(SAMPLE);
    long[] given = {0};
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        throw new AssertionError("one byte at a time");
      }

      @Override
      public int read(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
          b[off + i] = frame[(int) (given[0]++ % frame.length)];
        }
        return len;
      }
    };
    Writer closed = new Writer() {
      @Override
      public void write(char[] buffer, int off, int len) throws IOException {
        throw new IOException("Broken pipe");
      }

      @Override
      public void flush() throws IOException {
        throw new IOException("Broken pipe");
      }

      @Override
      public void close() {}
    };
    StringWriter err = new StringWriter();
    InputStream saved = System.in;
    System.setIn(endless);
    try {
      // Before the fix this never returned; the bound only keeps a regression from hanging the build.
      int exitCode = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Main.run(new PrintWriter(closed),
          new PrintWriter(err), "decode", schema.toString(), "-"));
      assertEquals(4, exitCode);
      assertEquals("", err.toString());
      assertTrue(given[0] <= 1 << 20, given[0] + " bytes read after output failed");
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void structsNestedThousandsDeepDecode() throws IOException {
    int depth = 3000;
    StringBuilder source = new StringBuilder("package deep;\n");
    for (int i = 0; i < depth; i++) {
      source.append("struct S").append(i).append(" { S").append(i + 1).append(" next; }\n");
    }
    source.append("struct S").append(depth).append(" { u8 leaf; }\nmessage Deep = 1 { S0 root; }\n");
    Path deep = dir.resolve("deep.parley");
    Files.writeString(deep, source);
    Path capture = capture("00000003" + "0001" + "07");
    Run text = parley("decode", deep.toString(), capture.toString());
    assertEquals("", text.err());
    assertEquals(0, text.exitCode());
    List<String> lines = text(text.out()).lines().toList();
    assertEquals(depth + 3, lines.size());
    assertEquals("  ".repeat(depth + 2) + "leaf = 7", lines.get(lines.size() - 1));
    Run json = parley("decode", "--json", deep.toString(), capture.toString());
    assertEquals("", json.err());
    assertEquals("{\"offset\":0,\"length\":3,\"message\":\"Deep\",\"typeId\":1,\"fields\":{\"root\":"
        + "{\"next\":".repeat(depth) + "{\"leaf\":7}" + "}".repeat(depth) + "}}\n", text(json.out()));
  }

  @Test
  void runningOutOfMemoryOrStackIsALineNamingTheFrame() {
    for (Error error : List.of(new OutOfMemoryError("injected"), new StackOverflowError())) {
      Run run = withStdin(thenThrowing(HexFormat.of().parseHex(SAMPLE), error), "decode", schema.toString(), "-");
      assertEquals(SAMPLE_TEXT, text(run.out()));
      assertEquals("parley: error: frame at offset 38: " + (error instanceof OutOfMemoryError
          ? "not enough memory to decode it (java -Xmx sets how much Java may use)"
          : "nested too deeply to decode") + "\n", text(run.err()));
      assertEquals(2, run.exitCode());
    }
  }

  @Test
  void anyOtherErrorIsAnInternalErrorOnOneLine() {
    Run run = withStdin(thenThrowing(HexFormat.of().parseHex(SAMPLE), new InternalError("injected")),
        "decode", schema.toString(), "-");
    assertEquals(SAMPLE_TEXT, text(run.out()));
    assertEquals("parley: internal error: java.lang.InternalError: injected\n", text(run.err()));
    assertEquals(3, run.exitCode());
  }

  @Test
  void aFrameTooLargeForTheHeapIsALineNotAStackTrace() throws Exception {
    Path huge = dir.resolve("huge.parley");
    Files.writeString(huge, "package huge;\noption max_frame_length = 2147483639;\n"
        + "message Blob = 1 { bytes<u32> data; }\n");
    int megabytes = 96;
    Path capture = dir.resolve("blob.bin");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(capture))) {
      int size = megabytes << 20;
      out.write(ByteBuffer.allocate(10).putInt(2 + 4 + size).putShort((short) 1).putInt(size).array());
      byte[] megabyte = new byte[1 << 20];
      for (int i = 0; i < megabytes; i++) {
        out.write(megabyte);
      }
    }
    // A JVM of its own, with a heap smaller than the frame.
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx48m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "decode", huge.toString(), capture.toString())
        .redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile())
        .start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("parley decode did not end");
    }
    String err = Files.readString(dir.resolve("err.txt"));
    assertEquals("parley: error: frame at offset 0: not enough memory to decode it (java -Xmx sets how much"
        + " Java may use)\n", text(err));
    assertEquals("", Files.readString(dir.resolve("out.txt")));
    assertEquals(2, process.exitValue());
  }
}
