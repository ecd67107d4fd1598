package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hex examples of SPEC.md 13.7 (bit fields), 13.8 (unions) and 13.9 (a union inside a length)
 * are the bytes of the values the text gives, through the generated code of {@code valid/bodies}:
 * encoded to them, and decoded from them back to the value.
 */
class SpecBodyExamplesTest {

  /** The one hex code block of section {@code number} of SPEC.md, spaces removed. */
  private static String hexBlock(String number) throws Exception {
    String spec = Files.readString(TestSchemas.specFile());
    int start = spec.indexOf("\n### " + number + " ");
    assertTrue(start >= 0, "SPEC.md has section " + number);
    int end = spec.indexOf("\n### ", start + 1);
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("```\\w*\n(.*?)\n```", Pattern.DOTALL).matcher(spec.substring(start, end));
    while (m.find()) {
      if (m.group(1).strip().matches("[0-9a-f ]+")) {
        blocks.add(m.group(1).strip().replace(" ", ""));
      }
    }
    assertEquals(1, blocks.size(), "hex blocks in SPEC.md " + number);
    return blocks.get(0);
  }

  /** {@code value}, a struct or bits record, encodes to {@code hex} and decodes back from it. */
  private static void assertBytes(String hex, Object value) throws Exception {
    Class<?> type = value.getClass();
    ByteBuffer out = ByteBuffer.allocate((int) type.getMethod("encodedSize").invoke(value));
    type.getMethod("encode", ByteBuffer.class).invoke(value, out);
    assertEquals(hex, HexFormat.of().formatHex(out.array()), "encoded");
    assertEquals(value, type.getMethod("decode", ByteBuffer.class).invoke(null, ByteBuffer.wrap(out.array())));
  }

  @Test
  void bitFields() throws Exception {
    Object nxdomain = BodiesTest.constant("bodies.constructs.bits.Rcode", "NXDOMAIN");
    assertBytes(hexBlock("13.7"), BodiesTest.record("bodies.constructs.bits.DnsFlags", true, 0, false, false, true,
        true, 0, false, false, nxdomain));
  }

  @Test
  void aUnionChosenByAnEarlierField() throws Exception {
    FrameLayoutsTest.Subject s = BodiesTest.subject("pg_backend.parley");
    Object md5 = BodiesTest.record("bodies.pg.backend.Authentication",
        BodiesTest.record("bodies.pg.backend.AuthenticationMd5Password", Bytes.of(new byte[] {1, 2, 3, 4})));
    byte[] frame = HexFormat.of().parseHex(hexBlock("13.8"));
    assertArrayEquals(frame, FrameLayoutsTest.frameOf(s.protocol(), md5), "encoded");
    assertEquals(md5, s.protocol().decode(ByteBuffer.wrap(frame)));
  }

  @Test
  void aUnionInsideALength() throws Exception {
    Object a = BodiesTest.constant("bodies.constructs.bits.Kind", "A");
    Object address = BodiesTest.record("bodies.constructs.bits.Address", Bytes.of(new byte[] {(byte) 192, 0, 2, 1}));
    assertBytes(hexBlock("13.9"), BodiesTest.record("bodies.constructs.bits.Rr", address));
    assertEquals(a, BodiesTest.LOADER.loadClass("bodies.constructs.bits.Rdata").getMethod("selector",
        BodiesTest.LOADER.loadClass("bodies.constructs.bits.Rdata")).invoke(null, address));
  }
}
