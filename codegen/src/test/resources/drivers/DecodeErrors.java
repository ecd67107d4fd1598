package drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import codegen.edges.At;
import codegen.edges.Bits64;
import codegen.edges.Bits8;
import codegen.edges.Choices;
import codegen.edges.EdgesMessage;
import codegen.edges.EdgesProtocol;
import codegen.edges.Numbers;
import codegen.edges.Report;
import codegen.edges.Small;
import codegen.edges.Step;
import codegen.edges.Texts;
import codegen.edges.Wide;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.ProtocolException;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/** Every decode error path gives a MalformedFrameException naming the field and offset, and nothing else. */
public final class DecodeErrors {

  private DecodeErrors() {}

  static final EdgesProtocol P = EdgesProtocol.INSTANCE;

  static MalformedFrameException malformed(String hex) {
    return assertThrows(MalformedFrameException.class, () -> P.decode(ByteBuffer.wrap(Bytes.fromHex(hex).toByteArray())));
  }

  static List<EdgesMessage> samples() {
    return List.of(
        new Numbers(255, 65535, 4294967295L, -1L, (byte) -1, (short) -1, -1, -1, 1.5f, 2.5, true),
        new Texts("héllo", "a", "😀", Bytes.of((byte) 1), Bytes.of((byte) 2), Bytes.of(new byte[4])),
        new Choices(Small.MIN, Wide.TOP, EnumSet.of(Bits8.B7), EnumSet.of(Bits64.HIGH), Optional.of(Small.MAX),
            Optional.of(EnumSet.of(Bits8.B0))),
        EdgeRoundTrips.report(List.of(new Step(1, new At(1, 2)), new Step(2, new At(3, 4))),
            List.of(List.of(1, 2)), 2));
  }

  public static void bodyCutAtEveryOffsetIsMalformed() {
    for (EdgesMessage message : samples()) {
      byte[] body = Codec.encode(P, message);
      for (int cut = 0; cut < body.length; cut++) {
        ByteBuffer truncated = ByteBuffer.wrap(body, 0, cut);
        int at = cut;
        ProtocolException e = assertThrows(ProtocolException.class, () -> P.decode(truncated),
            () -> message + " cut at " + at);
        assertEquals(MalformedFrameException.class, e.getClass(), e.getMessage());
      }
    }
  }

  public static void boolTwoIsMalformed() {
    // Numbers: type id, u8 u16 u32 u64 i8 i16 i32 i64 f32 f64 = 2+1+2+4+8+1+2+4+8+4+8 = 44 bytes, then the bool.
    String body = "0001" + "00".repeat(42) + "02";
    MalformedFrameException e = malformed(body);
    assertEquals("Numbers.a_bool: bool must be 0 or 1, found 2, at offset 44", e.getMessage());
    assertEquals(44, e.offset());
  }

  public static void presenceByteSevenIsMalformed() {
    // Choices: id, small (i8), wide (u32), bits8 (u8), bits64 (u64), then maybe_small's presence byte.
    MalformedFrameException e = malformed("0003" + "00" + "00000000" + "00" + "0000000000000000" + "07");
    assertEquals("Choices.maybe_small: presence byte must be 0 or 1, found 7, at offset 16", e.getMessage());
  }

  public static void undeclaredEnumValueIsMalformed() {
    MalformedFrameException e = malformed("0003" + "05");
    assertEquals("Choices.small: undeclared Small value 5, at offset 2", e.getMessage());
    MalformedFrameException wide = malformed("0003" + "00" + "00000001");
    assertEquals("Choices.wide: undeclared Wide value 1, at offset 3", wide.getMessage());
  }

  public static void undeclaredFlagBitIsMalformed() {
    MalformedFrameException e = malformed("0003" + "00" + "00000000" + "02");
    assertEquals("Choices.bits8: undeclared Bits8 bits 0x2, at offset 7", e.getMessage());
    MalformedFrameException wide = malformed("0003" + "00" + "00000000" + "00" + "4000000000000000");
    assertEquals("Choices.bits64: undeclared Bits64 bits 0x4000000000000000, at offset 8", wide.getMessage());
  }

  public static void malformedUtf8IsMalformed() {
    // Texts: id, then text as u16 length + bytes.
    String[] bad = {
      "c0af",       // overlong '/'
      "e080af",     // overlong, three bytes
      "eda080",     // a UTF-16 surrogate (U+D800) encoded in UTF-8
      "f4908080",   // above U+10FFFF
      "e282",       // truncated sequence
      "80",         // a continuation byte with no lead
      "ff",         // never valid
      "41c3"        // 'A' then a truncated two-byte sequence
    };
    for (String utf8 : bad) {
      String length = String.format("%04x", utf8.length() / 2);
      MalformedFrameException e = malformed("0002" + length + utf8);
      assertEquals("Texts.text", e.path(), utf8);
      assertEquals(true, e.problem().startsWith("malformed UTF-8"), e.getMessage());
    }
    assertEquals("Texts.text: malformed UTF-8 (byte 0xc3), at offset 5", malformed("0002" + "0002" + "41c3").getMessage());
  }

  public static void lengthsAndCountsLargerThanWhatRemains() {
    MalformedFrameException length = malformed("0002" + "ffff" + "41");
    assertEquals("Texts.text: length 65535 exceeds the 1 bytes left, at offset 2", length.getMessage());
    // Report: name (u8 len), then plan's u16 count of Steps (at least 2 + 16 bytes each).
    MalformedFrameException count = malformed("0004" + "00" + "0002" + "00".repeat(20));
    assertEquals("Report.plan: count 2 of elements of at least 18 bytes exceeds the 20 bytes left, at offset 3",
        count.getMessage());
    MalformedFrameException u32 = malformed("0002" + "0000" + "00" + "ffffffff");
    assertEquals("Texts.long_text: length 4294967295 exceeds the 0 bytes left, at offset 5", u32.getMessage());
  }

  public static void nestedErrorsNameTheirPath() {
    // Report: name "", plan [], then home present with its At cut inside lat.
    MalformedFrameException home = malformed("0004" + "00" + "0000" + "01" + "0000");
    assertEquals("Report.home.lat: need 8 bytes, 2 left, at offset 6", home.getMessage());
    // ... home absent, seen absent, grid [], tags [], flags_seen [], smalls [MAX, 5].
    MalformedFrameException smalls = malformed("0004" + "00" + "0000" + "00" + "00" + "0000" + "00" + "0000"
        + "00000002" + "7f" + "05");
    assertEquals("Report.smalls[1]: undeclared Small value 5, at offset 17", smalls.getMessage());
    // grid: a list of lists; the inner count claims more i32s than remain.
    MalformedFrameException grid = malformed("0004" + "00" + "0000" + "00" + "00" + "0001" + "0009" + "00000001");
    assertEquals("Report.grid[0]: count 9 of elements of at least 4 bytes exceeds the 4 bytes left, at offset 9",
        grid.getMessage());
    // A count within what remains, whose second element is not a bool.
    MalformedFrameException flags = malformed("0004" + "00" + "0000" + "00" + "00" + "0000" + "00" + "0002" + "01" + "02");
    assertEquals("Report.flags_seen[1]: bool must be 0 or 1, found 2, at offset 13", flags.getMessage());
  }

  public static void unknownTypeIdAndEmptyBodyAreMalformed() {
    assertEquals("type_id: unknown type id 99, at offset 0", malformed("0063").getMessage());
    assertEquals("type_id: need 2 bytes, 0 left, at offset 0", malformed("").getMessage());
    assertEquals("type_id: need 2 bytes, 1 left, at offset 0", malformed("00").getMessage());
  }

  public static void offsetsCountFromTheStartOfTheBody() throws Exception {
    byte[] frame = Bytes.fromHex("aabbcc" + "0003" + "05").toByteArray();
    ByteBuffer body = ByteBuffer.wrap(frame).position(3);
    MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> P.decode(body));
    assertEquals(2, e.offset());
  }

  public static void unknownTrailingBytesAreSkipped() throws Exception {
    byte[] body = Codec.encode(P, samples().get(0));
    byte[] longer = java.util.Arrays.copyOf(body, body.length + 5);
    ByteBuffer buffer = ByteBuffer.wrap(longer);
    assertEquals(samples().get(0), P.decode(buffer));
    assertEquals(longer.length, buffer.position());
  }
}
