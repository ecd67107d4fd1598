package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.codegen.FrameLayoutsTest.Subject;
import dev.parley.runtime.Bytes;
import dev.parley.spec.decode.CaptureReader;
import dev.parley.spec.decode.DecodedFrame;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Frames recorded from a real PostgreSQL 15 ({@code protocol-spec/src/test/resources/captures},
 * see its README) read by the generated code of the body schemas of {@code valid/bodies}: the
 * client's frames up to its StartupMessage with {@code pg_startup}, its later ones with
 * {@code pg_frontend}, the server's with {@code pg_backend}, and its one-byte answers to SSLRequest
 * and GSSENCRequest, with neither tag nor length, with {@code pg_encryption_answer}. Each frame
 * decodes to the values its description in the capture names, field by field, encodes back to
 * exactly its bytes, and the interpreter decodes it too and agrees.
 */
class PostgresCapturesTest {

  private static final Path CAPTURES = TestSchemas.moduleDir().resolveSibling("protocol-spec")
      .resolve("src/test/resources/captures");
  private static final List<String> FILES = List.of("pg-startup-query.tsv", "pg-extended-query.tsv",
      "pg-ssl-request.tsv", "pg-gssenc-request.tsv");

  /** One frame of a capture: where it is, its direction, its bytes and what the capture says it is. */
  record Captured(String capture, int line, int connection, String direction, byte[] bytes, String description) {

    String name() {
      return capture + ":" + line + " " + direction + " " + description.substring(0, description.indexOf(':'));
    }

    /** The message the description names: its first word. */
    String message() {
      return description.substring(0, description.indexOf(':'));
    }
  }

  /** A captured frame and the schema whose protocol it is in, if any. */
  record Framed(Captured frame, Optional<String> schema) {}

  static List<Captured> read(String capture) throws IOException {
    List<Captured> frames = new ArrayList<>();
    int connection = 1;
    List<String> lines = Files.readAllLines(CAPTURES.resolve(capture));
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("# connection ")) {
        connection = Integer.parseInt(line.replaceAll("\\D+", " ").trim().split(" ")[0]);
      } else if (!line.startsWith("#") && !line.isBlank()) {
        String[] columns = line.split("\t", 3);
        frames.add(new Captured(capture, i + 1, connection, columns[0], HexFormat.of().parseHex(columns[1]),
            columns[2]));
      }
    }
    return frames;
  }

  /**
   * Every frame of the captures with its schema: a client speaks the startup protocol until it
   * has sent its StartupMessage (an SSLRequest comes before it), then the frontend protocol; the
   * server's one-byte answer to SSLRequest has none.
   */
  private static List<Framed> frames() throws IOException {
    List<Framed> framed = new ArrayList<>();
    for (String capture : FILES) {
      java.util.Set<Integer> started = new java.util.HashSet<>();
      for (Captured frame : read(capture)) {
        Optional<String> schema;
        if (frame.direction().equals("C>S")) {
          schema = Optional.of(started.contains(frame.connection()) ? "pg_frontend.parley" : "pg_startup.parley");
          if (frame.message().equals("StartupMessage")) {
            started.add(frame.connection());
          }
        } else {
          // The answer to SSLRequest or GSSENCRequest is one bare byte.
          schema = Optional.of(frame.bytes().length == 1 ? "pg_encryption_answer.parley" : "pg_backend.parley");
        }
        framed.add(new Framed(frame, schema));
      }
    }
    return framed;
  }

  @TestFactory
  Stream<DynamicTest> everyPostgresFrameDecodesToItsDescriptionAndBackToItsBytes() throws IOException {
    List<Framed> frames = frames().stream().filter(f -> f.schema().isPresent()).toList();
    assertEquals(91, frames.size(), "frames of the four captures");
    return frames.stream().map(f -> DynamicTest.dynamicTest(f.frame().name(),
        () -> checkFrame(f.frame(), BodiesTest.subject(f.schema().orElseThrow()))));
  }

  /**
   * {@code frame} is one whole frame of {@code s}'s protocol, decoded by the generated decoder to
   * the message its description names, encoded back to its bytes, and read alike by the interpreter.
   */
  private static void checkFrame(Captured frame, Subject s) throws Exception {
    ByteBuffer cut = FrameLayoutsTest.cutOne(s.protocol(), frame.bytes());
    Object message = s.protocol().decode(cut);
    assertEquals(expected(frame), message, frame.description());
    assertArrayEquals(frame.bytes(), FrameLayoutsTest.frameOf(s.protocol(), message), "encoded back");
    DecodedFrame decoded = new CaptureReader(s.interpreter(), new ByteArrayInputStream(frame.bytes())).next()
        .orElseThrow();
    assertEquals(0, decoded.skippedBytes(), "the interpreter knows every byte");
    FrameLayoutsTest.assertAgrees(s.file(), message, decoded, frame.name());
  }

  @Test
  void everyFrameHasItsSchema() throws IOException {
    assertTrue(frames().stream().allMatch(f -> f.schema().isPresent()));
  }

  /**
   * The values that matter most, written out rather than read from the descriptions, so that a
   * parser of descriptions that read nothing could not pass: the keys of the sessions, the
   * SQLSTATE of each error, the columns of the first result with their NULL, the extended query.
   */
  @Test
  void capturesHoldTheValuesOfTheirConversations() throws Exception {
    List<Object> messages = new ArrayList<>();
    for (Framed f : frames()) {
      if (f.schema().isPresent()) {
        messages.add(BodiesTest.subject(f.schema().get()).protocol().decode(ByteBuffer.wrap(f.frame().bytes())));
      }
    }
    assertEquals(List.of(backend("BackendKeyData", 19273, 2121681790), backend("BackendKeyData", 19274, 1950116335),
        backend("BackendKeyData", 19271, 813156135)), ofType(messages, "BackendKeyData"));
    assertEquals(3 * 13, ofType(messages, "ParameterStatus").size(), "13 parameters a session");
    assertTrue(ofType(messages, "ParameterStatus").contains(
        backend("ParameterStatus", "server_version", "15.18 (Debian 15.18-0+deb12u1)")));
    assertTrue(ofType(messages, "ParameterStatus").contains(backend("ParameterStatus", "application_name", "")));
    List<String> sqlstates = new ArrayList<>();
    for (Object error : ofType(messages, "ErrorResponse")) {
      for (Object field : (List<?>) accessor(error, "fields")) {
        if ((int) accessor(field, "code") == 'C') {
          sqlstates.add((String) accessor(field, "value"));
        }
      }
    }
    assertEquals(List.of("42P01", "22012"), sqlstates);
    Object first = ofType(messages, "RowDescription").get(0);
    assertEquals(List.of("one", "s", "n"), ((List<?>) accessor(first, "fields")).stream()
        .map(f -> accessor(f, "name")).toList());
    assertEquals(List.of(23, 25, 25), ((List<?>) accessor(first, "fields")).stream()
        .map(f -> accessor(f, "typeOid")).toList());
    assertEquals(backend("DataRow", List.of(Optional.of(text("1")), Optional.of(text("x")), Optional.empty())),
        ofType(messages, "DataRow").get(0));
    assertEquals(List.of("SELECT 1", "SELECT 1", "SELECT 1", "SELECT 1"), ofType(messages, "CommandComplete").stream()
        .map(c -> accessor(c, "tag")).toList());
    assertEquals(List.of(
        frontend("Parse", "", "SELECT $1::int4 + 1 AS next, $2::text AS t", List.of()),
        frontend("Bind", "", "", List.of(), List.of(Optional.of(text("41")), Optional.empty()), List.of()),
        frontend("Describe", (int) 'P', ""),
        frontend("Execute", "", 0),
        frontend("Sync")), messages.stream().filter(m -> List.of("Parse", "Bind", "Describe", "Execute", "Sync")
            .contains(m.getClass().getSimpleName())).toList());
  }

  private static List<Object> ofType(List<Object> messages, String simpleName) {
    return messages.stream().filter(m -> m.getClass().getSimpleName().equals(simpleName)).toList();
  }

  private static Object accessor(Object record, String component) {
    try {
      return record.getClass().getMethod(component).invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- What a description says ---------------------------------------------------------------

  private static Object startup(String name, Object... components) {
    return BodiesTest.record("bodies.pg.startup." + name, components);
  }

  private static Object frontend(String name, Object... components) {
    return BodiesTest.record("bodies.pg.frontend." + name, components);
  }

  private static Object backend(String name, Object... components) {
    return BodiesTest.record("bodies.pg.backend." + name, components);
  }

  private static Bytes text(String ascii) {
    return Bytes.of(ascii.getBytes(StandardCharsets.US_ASCII));
  }

  /** The groups of {@code regex} in {@code description}, which must contain it. */
  private static Matcher find(String description, String regex) {
    Matcher m = Pattern.compile(regex).matcher(description);
    assertTrue(m.find(), () -> "'" + regex + "' in: " + description);
    return m;
  }

  /** {@code items} split at "; " and each read by {@code item}; none for an empty string. */
  private static <T> List<T> each(String items, Function<String, T> item) {
    return items.isEmpty() ? List.of() : Stream.of(items.split("; ")).map(item).toList();
  }

  /** The message the description of {@code frame} names, with the values it gives. */
  private static Object expected(Captured frame) {
    String d = frame.description();
    return switch (frame.message()) {
      case "SSLRequest" -> {
        find(d, "code=80877103 ");
        yield startup("SslRequest");
      }
      case "GSSENCRequest" -> {
        find(d, "code=80877104 ");
        yield startup("GssEncRequest");
      }
      case "answer to SSLRequest" -> {
        find(d, "single byte 'N'");
        yield BodiesTest.record("bodies.pg.answer.Unwilling");
      }
      case "answer to GSSENCRequest" -> {
        find(d, "single byte 'G'");
        yield BodiesTest.record("bodies.pg.answer.WillingGss");
      }
      case "StartupMessage" -> startup("StartupMessage", each(
          find(d, "key/value pairs (.*), final NUL").group(1).replace(" ", "; "),
          pair -> startup("Parameter", pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1))));
      case "AuthenticationOk" -> {
        assertEquals("0", find(d, " code=(\\d+)$").group(1), d);
        yield backend("Authentication", backend("AuthenticationOk"));
      }
      case "ParameterStatus" -> {
        Matcher m = find(d, "type byte\\) ([^=]*)=(.*) \\(two NUL-terminated strings\\)$");
        yield backend("ParameterStatus", m.group(1), m.group(2));
      }
      case "BackendKeyData" -> {
        Matcher m = find(d, " pid=(\\d+) secret=(\\d+)$");
        yield backend("BackendKeyData", Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
      }
      case "ReadyForQuery" -> backend("ReadyForQuery", (int) find(d, " status='(.)'").group(1).charAt(0));
      case "Query" -> frontend("Query", find(d, " sql=([\"'])(.*)\\1 \\(NUL-terminated\\)$").group(2));
      case "RowDescription" -> {
        Matcher m = find(d, "fieldcount=(\\d+); each: [^:]*: (.*)$");
        List<Object> fields = each(m.group(2), f -> {
          Matcher c = find(f, "^(.*)\\(tableoid=(-?\\d+) attnum=(-?\\d+) typeoid=(-?\\d+) typlen=(-?\\d+)"
              + " typmod=(-?\\d+) format=(-?\\d+)\\)$");
          return backend("FieldDescription", c.group(1), Integer.parseInt(c.group(2)), Short.parseShort(c.group(3)),
              Integer.parseInt(c.group(4)), Short.parseShort(c.group(5)), Integer.parseInt(c.group(6)),
              Short.parseShort(c.group(7)));
        });
        assertEquals(Integer.parseInt(m.group(1)), fields.size(), d);
        yield backend("RowDescription", fields);
      }
      case "DataRow" -> {
        Matcher m = find(d, "colcount=(\\d+); each i32 len \\+ bytes: (.*)$");
        List<Optional<Bytes>> columns = each(m.group(2), PostgresCapturesTest::column);
        assertEquals(Integer.parseInt(m.group(1)), columns.size(), d);
        yield backend("DataRow", columns);
      }
      case "CommandComplete" -> backend("CommandComplete", find(d, " tag='(.*)'$").group(1));
      case "ErrorResponse" -> {
        Matcher m = find(d, "until a 0 byte: (.*)$");
        List<Object> fields = new ArrayList<>();
        Matcher field = Pattern.compile("([A-Z])\\(\\w+\\)='(.*?)'(?= [A-Z]\\(|$)").matcher(m.group(1));
        while (field.find()) {
          fields.add(backend("NoticeField", (int) field.group(1).charAt(0), field.group(2)));
        }
        yield backend("ErrorResponse", fields);
      }
      case "EmptyQueryResponse" -> backend("EmptyQueryResponse");
      case "ParseComplete" -> backend("ParseComplete");
      case "BindComplete" -> backend("BindComplete");
      case "Terminate" -> frontend("Terminate");
      case "Sync" -> frontend("Sync");
      case "Parse" -> {
        Matcher m = find(d, " stmt='(.*?)' sql='(.*)' i16 nparamtypes=(\\d+) oids=\\[(.*)\\]$");
        List<Integer> oids = m.group(4).isEmpty() ? List.of()
            : Stream.of(m.group(4).split(", ")).map(Integer::valueOf).toList();
        assertEquals(Integer.parseInt(m.group(3)), oids.size(), d);
        yield frontend("Parse", m.group(1), m.group(2), oids);
      }
      case "Bind" -> {
        Matcher m = find(d, " portal='(.*?)' stmt='(.*?)' i16 nformats=(\\d+) \\[(.*?)\\] i16 nparams=(\\d+)"
            + " \\[(.*?)\\] i16 nresultformats=(\\d+) \\[(.*?)\\]$");
        List<Short> formats = each(m.group(4), Short::valueOf);
        List<Optional<Bytes>> parameters = each(m.group(6), PostgresCapturesTest::parameter);
        List<Short> resultFormats = each(m.group(8), Short::valueOf);
        assertEquals(List.of(m.group(3), m.group(5), m.group(7)), Stream.of(formats, parameters, resultFormats)
            .map(l -> Integer.toString(l.size())).toList(), d);
        yield frontend("Bind", m.group(1), m.group(2), formats, parameters, resultFormats);
      }
      case "Describe" -> {
        Matcher m = find(d, " kind='(.)' name='(.*)'$");
        yield frontend("Describe", (int) m.group(1).charAt(0), m.group(2));
      }
      case "Execute" -> {
        Matcher m = find(d, " portal='(.*?)' maxrows=(\\d+)$");
        yield frontend("Execute", m.group(1), Integer.parseInt(m.group(2)));
      }
      default -> throw new AssertionError("no reading of a " + frame.message() + " description: " + d);
    };
  }

  /** A DataRow column: {@code len=1 'x'}, or {@code len=-1 (NULL, no bytes)}. */
  private static Optional<Bytes> column(String text) {
    if (text.equals("len=-1 (NULL, no bytes)")) {
      return Optional.empty();
    }
    Matcher m = find(text, "^len=(\\d+) '(.*)'$");
    assertEquals(Integer.parseInt(m.group(1)), m.group(2).length(), text);
    return Optional.of(text(m.group(2)));
  }

  /** A Bind parameter: {@code len=2 b'41'}, or {@code len=-1 NULL}. */
  private static Optional<Bytes> parameter(String text) {
    if (text.equals("len=-1 NULL")) {
      return Optional.empty();
    }
    Matcher m = find(text, "^len=(\\d+) b'(.*)'$");
    assertEquals(Integer.parseInt(m.group(1)), m.group(2).length(), text);
    return Optional.of(text(m.group(2)));
  }
}
