package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The header field value: its factories' checks, its copies, equality and how it prints. */
class HeaderFieldTest {

  @Test
  void factoriesGiveTheRoleAndKeepWhatTheyWereGiven() {
    HeaderField length = HeaderField.length("length", 4, LengthCounts.ITSELF_AND_FOLLOWING);
    assertEquals(HeaderField.Role.LENGTH, length.role());
    assertEquals("length", length.name());
    assertEquals(4, length.size());
    assertEquals(LengthCounts.ITSELF_AND_FOLLOWING, length.counts());
    assertEquals(false, length.isSigned());
    assertEquals(Optional.empty(), length.order());
    assertEquals(HeaderField.Role.TYPE_ID, HeaderField.typeId("tag", 1).role());
    assertEquals(HeaderField.Role.FIELD, HeaderField.field("cas", 8).role());
    HeaderField magic = HeaderField.constant("magic", 1, 0x80);
    assertEquals(HeaderField.Role.CONSTANT, magic.role());
    assertEquals(0x80, magic.constant());
  }

  @Test
  void sizesAreOneTwoThreeFourOrEightBytesAndATypeIdAtMostFour() {
    for (int size : new int[] {1, 2, 3, 4, 8}) {
      assertEquals(size, HeaderField.field("f", size).size());
    }
    for (int size : new int[] {0, 5, 6, 7, 9, -1}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HeaderField.field("f", size));
      assertEquals("header field 'f' must be 1, 2, 3, 4 or 8 bytes: " + size, e.getMessage());
    }
    assertEquals(3, HeaderField.typeId("command_code", 3).size());
    assertEquals("type id 'op' must be at most 4 bytes: 8",
        assertThrows(IllegalArgumentException.class, () -> HeaderField.typeId("op", 8)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> HeaderField.length("l", 5, LengthCounts.FRAME));
    assertThrows(IllegalArgumentException.class, () -> HeaderField.field(" ", 1), "a blank name");
    assertThrows(NullPointerException.class, () -> HeaderField.field(null, 1));
    assertThrows(NullPointerException.class, () -> HeaderField.length("l", 2, null));
  }

  @Test
  void aConstantMustFitItsWidthSignedOrNotAndIsWhatTheFieldReads() {
    assertEquals(255, HeaderField.constant("c", 1, 255).constant());
    assertEquals(0xFFFFFF, HeaderField.constant("c", 3, 0xFFFFFF).constant());
    assertEquals(-1, HeaderField.constant("c", 8, -1).constant(), "an 8-byte constant is any 64 bits");
    IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
        () -> HeaderField.constant("magic", 1, 256));
    assertEquals("constant 256 does not fit the 1-byte field 'magic', signed or not", tooBig.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HeaderField.constant("c", 1, -129));
    assertThrows(IllegalArgumentException.class, () -> HeaderField.constant("c", 3, 1 << 24));
    assertThrows(IllegalArgumentException.class, () -> HeaderField.constant("c", 3, -(1 << 23) - 1));
    // The bytes on the wire are the constant; the field's signedness says how they read.
    assertEquals(0xFFFE, HeaderField.constant("v", 2, -2).constant());
    assertEquals(-2, HeaderField.constant("v", 2, -2).signed().constant());
    assertEquals(-2, HeaderField.constant("v", 2, 0xFFFE).signed().constant());
    assertEquals(HeaderField.constant("v", 2, -2), HeaderField.constant("v", 2, 0xFFFE), "the same bytes");
    assertEquals(-128, HeaderField.constant("magic", 1, 0x80).signed().constant());
    assertEquals(0x7F, HeaderField.constant("c", 1, 0x7F).signed().constant());
    assertEquals(-(1 << 23), HeaderField.constant("c", 3, 1 << 23).signed().constant());
  }

  @Test
  void countsAndConstantBelongToTheirRoles() {
    IllegalStateException counts = assertThrows(IllegalStateException.class,
        () -> HeaderField.typeId("tag", 1).counts());
    assertTrue(counts.getMessage().contains("'tag'"), counts.getMessage());
    assertThrows(IllegalStateException.class, () -> HeaderField.field("x", 1).constant());
    assertThrows(IllegalStateException.class, () -> HeaderField.length("l", 2, LengthCounts.BODY).constant());
  }

  @Test
  void copiesChangeOnlyWhatTheySayAndFieldsAreEqualByValue() {
    HeaderField field = HeaderField.field("stream", 2);
    HeaderField signed = field.signed();
    assertTrue(signed.isSigned());
    assertEquals(false, field.isSigned(), "the original is unchanged");
    HeaderField little = signed.order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(Optional.of(ByteOrder.LITTLE_ENDIAN), little.order());
    assertTrue(little.isSigned());
    assertEquals(HeaderField.field("stream", 2), field);
    assertEquals(HeaderField.field("stream", 2).hashCode(), field.hashCode());
    assertNotEquals(field, signed);
    assertNotEquals(signed, little);
    assertNotEquals(field, HeaderField.field("stream", 4));
    assertNotEquals(field, HeaderField.field("other", 2));
    assertNotEquals(field, HeaderField.constant("stream", 2, 0));
    assertNotEquals(HeaderField.length("l", 2, LengthCounts.BODY), HeaderField.length("l", 2, LengthCounts.FRAME));
    assertNotEquals(HeaderField.constant("c", 1, 1), HeaderField.constant("c", 1, 2));
    assertEquals(HeaderField.field("x", 1).order(ByteOrder.BIG_ENDIAN), HeaderField.field("x", 1).order(ByteOrder.BIG_ENDIAN));
  }

  @Test
  void printsAsAHeaderListsIt() {
    assertEquals("u8 tag type_id", HeaderField.typeId("tag", 1).toString());
    assertEquals("i32 length counts itself and following",
        HeaderField.length("length", 4, LengthCounts.ITSELF_AND_FOLLOWING).signed().toString());
    assertEquals("u24 little-endian length counts the body",
        HeaderField.length("length", 3, LengthCounts.BODY).order(ByteOrder.LITTLE_ENDIAN).toString());
    assertEquals("u8 magic = 0x80", HeaderField.constant("magic", 1, 0x80).toString());
    assertEquals("i16 version = -2", HeaderField.constant("version", 2, -2).signed().toString());
    assertEquals("u64 cas", HeaderField.field("cas", 8).toString());
    assertEquals("u16 length counts following", HeaderField.length("length", 2, LengthCounts.FOLLOWING).toString());
    assertEquals("u24 length counts the frame", HeaderField.length("length", 3, LengthCounts.FRAME).toString());
  }

  @Test
  void aBitFieldTakesOneToSevenBitsOfAOneByteFieldThatIsNoLength() {
    HeaderField type = HeaderField.typeId("packet_type", 1).bits(4);
    assertEquals(4, type.bitWidth());
    assertEquals(1, type.size(), "the byte it shares");
    assertEquals(HeaderField.Role.TYPE_ID, type.role());
    assertEquals(15, type.maxValue());
    assertEquals(0, HeaderField.field("flags", 1).bitWidth(), "a whole field");
    assertEquals(5, HeaderField.constant("c", 1, 5).bits(3).constant());
    assertEquals(1, HeaderField.field("f", 1).bits(7).bits(1).bitWidth(), "a copy with another width");
    for (int width : new int[] {0, 8, -1}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HeaderField.field("f", 1).bits(width));
      assertEquals("bit field 'f' must take 1 to 7 bits (8 are the whole byte, a field of its own): " + width,
          e.getMessage());
    }
    assertEquals("'wide' is a 2-byte field: a bit field takes bits of 1 byte",
        assertThrows(IllegalStateException.class, () -> HeaderField.field("wide", 2).bits(4)).getMessage());
    assertEquals("the length 'l' cannot be a bit field: it takes bytes of its own",
        assertThrows(IllegalStateException.class, () -> HeaderField.length("l", 1, LengthCounts.FOLLOWING).bits(4))
            .getMessage());
    assertThrows(IllegalStateException.class, () -> HeaderField.varintLength("l", 1, LengthCounts.FOLLOWING).bits(4));
    assertEquals("'s' is signed: a bit field is unsigned",
        assertThrows(IllegalStateException.class, () -> HeaderField.field("s", 1).signed().bits(4)).getMessage());
    assertEquals("'flags' is a u4 bit field, which is unsigned",
        assertThrows(IllegalStateException.class, () -> HeaderField.field("flags", 1).bits(4).signed()).getMessage());
    assertEquals("constant 0x10 does not fit the 4 bits of 'c'",
        assertThrows(IllegalArgumentException.class, () -> HeaderField.constant("c", 1, 0x10).bits(4)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> HeaderField.constant("c", 1, -1).bits(7), "0xff on the wire");
  }

  @Test
  void aVarintLengthTakesAtMostOneToFiveBytesOfSevenBitsEach() {
    HeaderField remaining = HeaderField.varintLength("remaining_length", 4, LengthCounts.FOLLOWING);
    assertTrue(remaining.isVarint());
    assertEquals(HeaderField.Role.LENGTH, remaining.role());
    assertEquals(LengthCounts.FOLLOWING, remaining.counts());
    assertEquals(4, remaining.size(), "its most bytes");
    assertEquals(268_435_455, remaining.maxValue(), "MQTT's largest remaining length");
    assertEquals(false, remaining.isSigned());
    assertEquals(false, HeaderField.length("l", 4, LengthCounts.FOLLOWING).isVarint());
    assertEquals(127, HeaderField.varintLength("l", 1, LengthCounts.BODY).maxValue());
    assertEquals((1L << 35) - 1, HeaderField.varintLength("l", 5, LengthCounts.BODY).maxValue());
    for (int maxBytes : new int[] {0, 6, -1}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> HeaderField.varintLength("l", maxBytes, LengthCounts.FOLLOWING));
      assertEquals("the varint length 'l' may take at most 1 to 5 bytes, not " + maxBytes, e.getMessage());
    }
    assertThrows(NullPointerException.class, () -> HeaderField.varintLength("l", 4, null));
    assertThrows(IllegalArgumentException.class, () -> HeaderField.varintLength(" ", 4, LengthCounts.FOLLOWING));
    assertEquals("'remaining_length' is a varint<4> length, which is unsigned",
        assertThrows(IllegalStateException.class, remaining::signed).getMessage());
    assertEquals("the varint length 'remaining_length' has its own byte order: least significant group first",
        assertThrows(IllegalStateException.class, () -> remaining.order(ByteOrder.BIG_ENDIAN)).getMessage());
  }

  @Test
  void bitWidthAndVarintAreInEqualityAndPrinted() {
    HeaderField flags = HeaderField.field("flags", 1).bits(4);
    assertEquals(HeaderField.field("flags", 1).bits(4), flags);
    assertEquals(HeaderField.field("flags", 1).bits(4).hashCode(), flags.hashCode());
    assertNotEquals(HeaderField.field("flags", 1), flags);
    assertNotEquals(HeaderField.field("flags", 1).bits(3), flags);
    HeaderField varint = HeaderField.varintLength("l", 4, LengthCounts.FOLLOWING);
    assertEquals(HeaderField.varintLength("l", 4, LengthCounts.FOLLOWING), varint);
    assertNotEquals(HeaderField.length("l", 4, LengthCounts.FOLLOWING), varint);
    assertNotEquals(HeaderField.varintLength("l", 3, LengthCounts.FOLLOWING), varint);
    assertNotEquals(HeaderField.varintLength("l", 4, LengthCounts.BODY), varint);
    assertEquals("u4 packet_type type_id", HeaderField.typeId("packet_type", 1).bits(4).toString());
    assertEquals("u4 flags", flags.toString());
    assertEquals("u3 qos = 0x2", HeaderField.constant("qos", 1, 2).bits(3).toString());
    assertEquals("varint<4> remaining_length counts following",
        HeaderField.varintLength("remaining_length", 4, LengthCounts.FOLLOWING).toString());
  }
}
