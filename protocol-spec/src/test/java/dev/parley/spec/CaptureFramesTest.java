package dev.parley.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.HeaderField;
import dev.parley.runtime.ProtocolException;
import dev.parley.spec.decode.CaptureReader;
import dev.parley.spec.decode.DecodedFrame;
import dev.parley.spec.decode.SchemaDecoder;
import dev.parley.testing.Property;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Frames recorded from real PostgreSQL, memcached and dnsmasq servers ({@code captures/}), cut
 * under the layouts the schemas of {@code valid/frames} declare: each direction of each
 * connection, as one stream per run of frames of one layout (PostgreSQL switches from its untagged
 * startup to tagged messages, and answers an SSLRequest with one bare byte), fed one byte at a
 * time, in random chunks and all at once. The frames cut are the capture's lines, byte for byte;
 * the header fields read from them are the values the capture's descriptions give; headers
 * written back from those values are the captured bytes. Failures print the seed.
 */
class CaptureFramesTest {

  private static final Path RESOURCES = Path.of(System.getProperty("basedir", ""), "src", "test", "resources");
  private static final Path CAPTURES = RESOURCES.resolve("captures");
  private static final Schema FRAMES = load();

  private static Schema load() {
    try (Stream<Path> files = Files.list(RESOURCES.resolve("valid").resolve("frames"))) {
      LoadResult result = SchemaLoader.create()
          .load(files.filter(p -> p.toString().endsWith(".parley")).sorted().toList());
      assertEquals("", result.format());
      return result.schemaOrThrow();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static SchemaFile layout(String name) {
    return FRAMES.files().stream().filter(f -> f.path().getFileName().toString().equals(name + ".parley"))
        .findFirst().orElseThrow(() -> new IllegalArgumentException(name));
  }

  /** One captured frame: its connection, direction, bytes and description. */
  record Captured(int connection, String direction, byte[] bytes, String description) {}

  static List<Captured> read(Path capture) throws IOException {
    List<Captured> frames = new ArrayList<>();
    int connection = 1;
    for (String line : Files.readAllLines(capture)) {
      if (line.startsWith("# connection ")) {
        connection = Integer.parseInt(line.replaceAll("\\D+", " ").trim().split(" ")[0]);
      } else if (!line.startsWith("#") && !line.isBlank()) {
        String[] columns = line.split("\t", 3);
        frames.add(new Captured(connection, columns[0], HexFormat.of().parseHex(columns[1]), columns[2]));
      }
    }
    return frames;
  }

  /** The layout a captured frame is in: what the conversation is at that point. */
  private static SchemaFile layoutOf(String capture, Captured frame) {
    if (capture.startsWith("pg-")) {
      if (frame.direction().equals("C>S")) {
        return layout(frame.bytes()[0] == 0 ? "pg_startup" : "pg_frontend");
      }
      return layout(frame.bytes().length == 1 ? "pg_encryption_answer" : "pg_backend");
    } else if (capture.startsWith("memcached")) {
      return layout(frame.direction().equals("C>S") ? "memcached_request" : "memcached_response");
    }
    return layout("dns_tcp");
  }

  /** Consecutive frames of one connection and direction in one layout: one stream to cut. */
  record Run(String name, SchemaFile layout, List<Captured> frames) {}

  private static List<Run> runs() throws IOException {
    List<Run> runs = new ArrayList<>();
    try (Stream<Path> files = Files.list(CAPTURES)) {
      for (Path capture : files.filter(p -> p.toString().endsWith(".tsv")).sorted().toList()) {
        String name = capture.getFileName().toString();
        Map<String, Run> open = new LinkedHashMap<>();
        for (Captured frame : read(capture)) {
          SchemaFile layout = layoutOf(name, frame);
          String stream = frame.connection() + " " + frame.direction();
          Run run = open.get(stream);
          if (run == null || run.layout() != layout) {
            run = new Run(name + ", connection " + stream + ", " + layout.path().getFileName() + " from frame "
                + frame.description().split(":")[0], layout, new ArrayList<>());
            open.put(stream, run);
            runs.add(run);
          }
          run.frames().add(frame);
        }
      }
    }
    assertTrue(runs.size() >= 12, "every capture gives its runs: " + runs.size());
    return runs;
  }

  @TestFactory
  Stream<DynamicTest> capturedFramesCutUnderTheirLayoutInAnyChunking() throws IOException {
    return runs().stream().map(run -> DynamicTest.dynamicTest(run.name(), () -> {
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      run.frames().forEach(f -> stream.writeBytes(f.bytes()));
      byte[] bytes = stream.toByteArray();
      FrameFormat format = run.layout().frameFormat();
      for (int strategy = 0; strategy < 3; strategy++) {
        int chosen = strategy;
        Property.forAll(run.name() + ", chunking " + strategy, (rnd, size) -> rnd.nextLong())
            .values(strategy == 1 ? 50 : 1)
            .check(seed -> {
              List<byte[]> cut = cut(format, bytes, chosen, new SplittableRandom(seed));
              assertEquals(run.frames().size(), cut.size(), "frames cut");
              for (int i = 0; i < cut.size(); i++) {
                assertArrayEquals(run.frames().get(i).bytes(), cut.get(i), "frame " + i + " of " + run.name());
              }
            });
      }
    }));
  }

  /** Cuts {@code stream}: one byte at a time (strategy 0), random chunks (1), all at once (2). */
  private static List<byte[]> cut(FrameFormat format, byte[] stream, int strategy, SplittableRandom rnd)
      throws ProtocolException {
    FrameReader reader = new FrameReader(format, 64 + rnd.nextInt(1000));
    List<byte[]> frames = new ArrayList<>();
    int at = 0;
    while (at < stream.length) {
      int chunk = switch (strategy) {
        case 0 -> 1;
        case 1 -> 1 + rnd.nextInt(60);
        default -> stream.length;
      };
      ByteBuffer piece = ByteBuffer.wrap(stream, at, Math.min(chunk, stream.length - at));
      at += piece.remaining();
      while (piece.hasRemaining()) {
        reader.feed(piece);
        for (ByteBuffer frame = reader.nextFrame(); frame != null; frame = reader.nextFrame()) {
          byte[] bytes = new byte[frame.remaining()];
          frame.get(bytes);
          frames.add(bytes);
        }
      }
    }
    reader.endOfStream();
    assertNull(reader.nextFrame());
    return frames;
  }

  /** Names the captures' descriptions give header fields, where they differ from the schemas'. */
  private static final Map<String, String> NAMES = Map.of(
      "keylen", "key_length", "extlen", "extras_length", "datatype", "data_type", "bodylen", "body_length",
      "len", "length");

  private static final Pattern VALUE = Pattern.compile("(\\w+)=(0x[0-9a-fA-F]+|\\d+)");
  private static final Pattern TAG = Pattern.compile("'(.)'");

  @TestFactory
  Stream<DynamicTest> headerFieldsAreTheCapturesAndWriteBackToItsBytes() throws IOException {
    return runs().stream().map(run -> DynamicTest.dynamicTest(run.name(), () -> {
      FrameFormat format = run.layout().frameFormat();
      FrameLayout layout = run.layout().frame().orElseThrow();
      for (Captured frame : run.frames()) {
        ByteBuffer bytes = ByteBuffer.wrap(frame.bytes());
        String where = run.name() + ": " + frame.description();
        byte[] header = new byte[format.headerSize()];
        ByteBuffer written = ByteBuffer.wrap(header);
        for (HeaderField field : format.header()) {
          long value = format.readField(bytes, 0, field);
          format.writeField(written, 0, field, value);
          if (field.role() == HeaderField.Role.LENGTH) {
            assertEquals(format.lengthValue(frame.bytes().length), value, where);
          }
        }
        assertArrayEquals(java.util.Arrays.copyOf(frame.bytes(), header.length), header,
            "the header written back from its fields: " + where);
        int checked = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        Matcher values = VALUE.matcher(frame.description().split(";")[0]);
        while (values.find()) {
          String name = NAMES.getOrDefault(values.group(1), values.group(1));
          // The first value of a name is the header's; later ones describe the body.
          if (layout.field(name).isPresent() && seen.add(name)) {
            String text = values.group(2);
            long expected = text.startsWith("0x") ? Long.parseUnsignedLong(text.substring(2), 16) : Long.parseLong(text);
            assertEquals(expected, format.readField(bytes, 0, format.header().get(
                layout.fields().indexOf(layout.field(name).get()))), name + " of " + where);
            checked++;
          }
        }
        Matcher tag = TAG.matcher(frame.description());
        if (layout.typeId().isPresent() && layout.typeId().get().type().size() == 1 && tag.find()
            && !frame.description().startsWith("StartupMessage")) {
          assertEquals(tag.group(1).charAt(0), format.readField(bytes, 0, format.typeIdField().orElseThrow()), where);
          checked++;
        }
        assertTrue(checked > 0 || frame.description().startsWith("StartupMessage"),
            "the description gives a header field to compare: " + where);
      }
    }));
  }

  @TestFactory
  Stream<DynamicTest> theInterpreterReadsEveryCapturedFrameItsSchemaKnows() throws IOException {
    return runs().stream().map(run -> DynamicTest.dynamicTest(run.name(), () -> {
      SchemaDecoder decoder = SchemaDecoder.of(run.layout());
      FrameLayout layout = run.layout().frame().orElseThrow();
      int known = 0;
      for (Captured frame : run.frames()) {
        boolean declared = layout.typeId().isEmpty() || run.layout().messages().stream().anyMatch(m ->
            m.id() == (int) run.layout().frameFormat().readField(ByteBuffer.wrap(frame.bytes()), 0,
                run.layout().frameFormat().typeIdField().orElseThrow()));
        if (!declared) {
          continue; // a message whose body the language cannot describe yet
        }
        DecodedFrame decoded = new CaptureReader(decoder, new ByteArrayInputStream(frame.bytes())).next().orElseThrow();
        assertEquals(frame.bytes().length, decoded.length());
        assertEquals(layout.fields().size(), decoded.header().size());
        known++;
      }
      assertFalse(known == 0 && run.layout().messages().size() > 3, "some frame of " + run.name() + " is known");
    }));
  }
}
