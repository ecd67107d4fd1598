package dev.parley.spec.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.spec.LoadResult;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.SchemaLoader;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/** The schemas of src/test/resources/decode, and frames written in hex. */
final class DecodeSchemas {

  private DecodeSchemas() {}

  /** The decoder of {@code decode/NAME}, which must load cleanly. */
  static SchemaDecoder decoder(String name) {
    return SchemaDecoder.of(file(name));
  }

  static SchemaFile file(String name) {
    Path path;
    try {
      path = Path.of(DecodeSchemas.class.getResource("/decode/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    LoadResult result = SchemaLoader.create().load(List.of(path));
    assertEquals("", result.format());
    return result.schemaOrThrow().files().get(0);
  }

  /** Bytes from hex with any spaces between. */
  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  static ByteBuffer body(String hex) {
    return ByteBuffer.wrap(hex(hex));
  }
}
