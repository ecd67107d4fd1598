package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.decode.DecodeException;
import dev.parley.spec.decode.DecodedFrame;
import dev.parley.spec.decode.SchemaDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing (Jazzer) of the generated decoders of the two schemas with varints and
 * checksums ({@link VarintsChecksumsTest}): a body of Parley's own frame, and a whole frame of the
 * declared device frame. In a normal build each target replays its corpus in
 * {@code src/test/resources/dev/parley/codegen/VarintsChecksumsFuzzTestInputs} (valid frames of
 * several messages); with {@code JAZZER_FUZZ=1} it fuzzes. Only {@link ProtocolException}s may
 * escape; whatever decodes re-encodes to the same bytes (a varint has one encoding, and nothing
 * may follow a checksum), and the interpreter accepts and refuses exactly what the generated
 * decoder does.
 */
class VarintsChecksumsFuzzTest {

  private static final Path INPUTS = TestSchemas.resources().resolve("dev/parley/codegen/VarintsChecksumsFuzzTestInputs");

  @FuzzTest(maxDuration = "1m")
  void decodeVarintsChecksums(byte[] body) {
    decodeCanonically(VarintsChecksumsTest.NATIVE, body);
    assertAgreement(VarintsChecksumsTest.VARINTS, VarintsChecksumsTest.NATIVE, body);
  }

  @FuzzTest(maxDuration = "1m")
  void decodeDevice(byte[] frame) {
    decodeCanonically(VarintsChecksumsTest.FRAMED, frame);
    assertAgreement(VarintsChecksumsTest.DEVICE, VarintsChecksumsTest.FRAMED, frame);
  }

  /** The seeds are frames that decode, so that replaying them goes past the header. */
  @Test
  void everySeedDecodes() throws IOException, ProtocolException {
    for (String target : List.of("decodeVarintsChecksums", "decodeDevice")) {
      Protocol<Object> protocol = target.equals("decodeDevice") ? VarintsChecksumsTest.FRAMED : VarintsChecksumsTest.NATIVE;
      List<Path> seeds;
      try (Stream<Path> files = Files.list(INPUTS.resolve(target))) {
        seeds = files.sorted().toList();
      }
      assertFalse(seeds.isEmpty(), target);
      for (Path seed : seeds) {
        byte[] bytes = Files.readAllBytes(seed);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        protocol.decode(in);
        assertEquals(bytes.length, in.position(), seed.toString());
      }
    }
  }

  /**
   * Decodes {@code bytes}; when they decode, the re-encoding decodes to the same message, and has
   * the same bytes when it has as many: a message without a checksum may be followed by bytes a
   * newer writer added, which are skipped (and which a declared frame's length counts). Of a body
   * of Parley's own frame, the re-encoding is the start of the bytes.
   */
  private static void decodeCanonically(Protocol<Object> protocol, byte[] bytes) {
    Object message;
    try {
      message = protocol.decode(ByteBuffer.wrap(bytes));
    } catch (ProtocolException expected) {
      return;
    }
    ByteBuffer again = ByteBuffer.allocate(protocol.encodedSize(message));
    protocol.encode(message, again);
    int common = protocol.frameFormat().hasHeader() && again.capacity() != bytes.length
        ? 0 : Math.min(again.capacity(), bytes.length);
    assertEquals(ByteBuffer.wrap(bytes, 0, common), ByteBuffer.wrap(again.array(), 0, common), "re-encoded");
    try {
      assertEquals(message, protocol.decode(ByteBuffer.wrap(again.array())));
    } catch (ProtocolException e) {
      throw new AssertionError("a re-encoded message does not decode", e);
    }
  }

  /**
   * The generated decoder and the interpreter read {@code bytes} (a body, or a whole declared
   * frame) alike: the same message, or the same error at the same offset.
   */
  private static void assertAgreement(SchemaFile file, Protocol<Object> protocol, byte[] bytes) {
    Object generated;
    try {
      generated = protocol.decode(ByteBuffer.wrap(bytes));
    } catch (ProtocolException e) {
      generated = e;
    }
    Object interpreted;
    try {
      interpreted = SchemaDecoder.of(file).decodeBody(0, ByteBuffer.wrap(bytes));
    } catch (DecodeException e) {
      interpreted = e;
    }
    if (generated instanceof MalformedFrameException g && interpreted instanceof DecodeException i) {
      assertEquals(g.getMessage(), i.bodyMessage());
    } else if (interpreted instanceof DecodedFrame frame && !(generated instanceof ProtocolException)) {
      VarintsChecksumsTest.assertAgrees(file, generated, frame, "a fuzzed frame");
    } else {
      throw new AssertionError("generated decoder: " + generated + "\ninterpreter: " + interpreted);
    }
  }
}
