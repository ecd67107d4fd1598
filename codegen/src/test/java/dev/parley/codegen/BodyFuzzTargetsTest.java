package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing (Jazzer) of the body schemas of {@code valid/bodies}, a target per
 * schema: the generated {@code decode} of arbitrary bytes, which may only throw a
 * {@link ProtocolException}; whatever decodes re-encodes canonically. PostgreSQL's schemas declare
 * their frame, so a target's input is a whole frame ({@link Canonical#decodeFrame});
 * memcached's and MQTT's too; {@code constructs.parley} and {@code bits_unions.parley} are in
 * Parley's own frame, so their input is a body
 * ({@link Canonical#decodeBody}). In a normal build each target replays its corpus in
 * {@code src/test/resources/dev/parley/codegen/BodyFuzzTargetsTestInputs} (the frames of the
 * PostgreSQL captures and of SPEC.md 13, and a body of each message of {@code constructs.parley}
 * and each of their edges); with {@code JAZZER_FUZZ=1} it fuzzes.
 */
class BodyFuzzTargetsTest {

  private static final Protocol<Object> PG_STARTUP = BodiesTest.subject("pg_startup.parley").protocol();
  private static final Protocol<Object> PG_FRONTEND = BodiesTest.subject("pg_frontend.parley").protocol();
  private static final Protocol<Object> PG_BACKEND = BodiesTest.subject("pg_backend.parley").protocol();
  private static final Protocol<Object> CONSTRUCTS = BodiesTest.subject("constructs.parley").protocol();
  private static final Protocol<Object> MEMCACHED_REQUEST = BodiesTest.subject("memcached_request.parley").protocol();
  private static final Protocol<Object> MEMCACHED_RESPONSE =
      BodiesTest.subject("memcached_response.parley").protocol();
  private static final Protocol<Object> MQTT = BodiesTest.subject("mqtt.parley").protocol();
  private static final Protocol<Object> BITS_UNIONS = BodiesTest.subject("bits_unions.parley").protocol();
  private static final Path CORPUS = TestSchemas.resources().resolve("dev/parley/codegen/BodyFuzzTargetsTestInputs");

  /**
   * Each target's corpus holds messages of its schema, named for them ({@code Query},
   * {@code DataRow-spec-13.6}), so that fuzzing starts from every kind of message there is.
   */
  @Test
  void everyInputOfTheCorpusIsAMessage() throws IOException, ProtocolException {
    Map<String, Protocol<Object>> targets = Map.of("decodePgStartup", PG_STARTUP, "decodePgFrontend", PG_FRONTEND,
        "decodePgBackend", PG_BACKEND, "decodeConstructs", CONSTRUCTS, "decodeMemcachedRequest", MEMCACHED_REQUEST,
        "decodeMemcachedResponse", MEMCACHED_RESPONSE, "decodeMqtt", MQTT, "decodeBitsUnions", BITS_UNIONS);
    for (Map.Entry<String, Protocol<Object>> target : targets.entrySet()) {
      List<Path> inputs;
      try (Stream<Path> files = Files.list(CORPUS.resolve(target.getKey()))) {
        inputs = files.sorted().toList();
      }
      assertTrue(inputs.size() >= 5, target.getKey());
      for (Path input : inputs) {
        byte[] bytes = Files.readAllBytes(input);
        Object message = target.getValue().decode(ByteBuffer.wrap(bytes));
        assertEquals(input.getFileName().toString().split("-")[0], message.getClass().getSimpleName(),
            "an input is named for its message: " + input);
      }
    }
  }

  @FuzzTest(maxDuration = "1m")
  void decodePgStartup(byte[] frame) {
    Canonical.decodeFrame(PG_STARTUP, frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodePgFrontend(byte[] frame) {
    Canonical.decodeFrame(PG_FRONTEND, frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodePgBackend(byte[] frame) {
    Canonical.decodeFrame(PG_BACKEND, frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodeConstructs(byte[] body) {
    Canonical.decodeBody(CONSTRUCTS, body);
  }

  @FuzzTest(maxDuration = "1m")
  void decodeMemcachedRequest(byte[] frame) {
    Canonical.decodeFrame(MEMCACHED_REQUEST, frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodeMemcachedResponse(byte[] frame) {
    Canonical.decodeFrame(MEMCACHED_RESPONSE, frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodeMqtt(byte[] frame) {
    Canonical.decodeFrame(MQTT, frame);
  }

  @FuzzTest(maxDuration = "1m")
  void decodeBitsUnions(byte[] body) {
    Canonical.decodeBody(BITS_UNIONS, body);
  }
}
