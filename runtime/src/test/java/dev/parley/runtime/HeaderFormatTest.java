package dev.parley.runtime;

import static dev.parley.runtime.HeaderField.constant;
import static dev.parley.runtime.HeaderField.field;
import static dev.parley.runtime.HeaderField.length;
import static dev.parley.runtime.HeaderField.typeId;
import static dev.parley.runtime.HeaderField.varintLength;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Header formats as the builder makes and checks them, and what they say about their frames. */
class HeaderFormatTest {

  private static final HeaderField TAG = typeId("tag", 1);
  private static final HeaderField PG_LENGTH = length("length", 4, LengthCounts.ITSELF_AND_FOLLOWING).signed();
  private static final FrameFormat POSTGRES = FrameFormat.builder().header(List.of(TAG, PG_LENGTH)).build();

  private static void refused(String expected, Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    assertTrue(e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' does not say '" + expected + "'");
  }

  @Test
  void thePrefixFormatHasNoHeaderAndItsBodyAfterThePrefix() {
    FrameFormat format = FrameFormat.defaults();
    assertEquals(false, format.hasHeader());
    assertEquals(List.of(), format.header());
    assertEquals(4, format.headerSize());
    assertEquals(4, format.bodyOffset());
    assertEquals(Optional.empty(), format.lengthField());
    assertEquals(Optional.empty(), format.typeIdField());
    assertEquals(Map.of(), format.fixedFrameSizes());
    assertEquals(OptionalInt.empty(), format.fixedFrameSize(0));
    assertEquals(4 + (1 << 20), format.largestFrameSize());
    assertEquals(10, format.lengthValue(14), "the body's length");
    assertEquals("FrameFormat[length=u32, BIG_ENDIAN, max=1048576]", format.toString());
    FrameFormat u16 = FrameFormat.builder().lengthSize(2).maxFrameLength(65535).build();
    assertEquals(2, u16.bodyOffset());
    assertEquals(65537, u16.largestFrameSize());
  }

  @Test
  void aHeaderFormatGivesItsFieldsOffsetsAndSizes() {
    assertTrue(POSTGRES.hasHeader());
    assertEquals(List.of(TAG, PG_LENGTH), POSTGRES.header());
    assertEquals(5, POSTGRES.headerSize());
    assertEquals(0, POSTGRES.bodyOffset(), "the protocol sees the whole frame");
    assertEquals(4, POSTGRES.lengthSize());
    assertEquals(Optional.of(PG_LENGTH), POSTGRES.lengthField());
    assertEquals(Optional.of(TAG), POSTGRES.typeIdField());
    assertEquals(0, POSTGRES.offsetOf("tag"));
    assertEquals(1, POSTGRES.offsetOf("length"));
    assertEquals(1, POSTGRES.offsetOf(PG_LENGTH));
    assertEquals(8, POSTGRES.lengthValue(9), "a 9-byte frame: the length counts itself and the 4 after it");
    assertEquals(1 << 20, POSTGRES.maxFrameLength());
    assertEquals(1 << 20, POSTGRES.largestFrameSize());
    assertEquals("FrameFormat[u8 tag type_id, i32 length counts itself and following, big-endian, max=1048576]",
        POSTGRES.toString());
    refused("no header field 'nope'", () -> POSTGRES.offsetOf("nope"));
    refused("is not a field of the header", () -> POSTGRES.offsetOf(field("tag", 1)));
    assertThrows(IllegalArgumentException.class, () -> POSTGRES.lengthValue(4), "smaller than the header");
  }

  @Test
  void whatTheLengthCountsSetsTheValueItCarries() {
    HeaderField before = field("before", 2);
    HeaderField after = field("after", 3);
    for (LengthCounts counts : LengthCounts.values()) {
      FrameFormat format = FrameFormat.builder()
          .header(List.of(before, length("length", 4, counts), after))
          .build();
      long expected = switch (counts) {
        case FOLLOWING -> 100 - 6;
        case ITSELF_AND_FOLLOWING -> 100 - 2;
        case FRAME -> 100;
        case BODY -> 100 - 9;
      };
      assertEquals(expected, format.lengthValue(100), counts.toString());
      assertEquals(0, format.lengthValue(9) - format.lengthValue(100) + 91, "linear in the size");
    }
  }

  @Test
  void theMaximumDefaultsToTheLargestFrameTheLengthCanDescribeUpToAMebibyte() {
    assertEquals(65537, FrameFormat.builder().header(List.of(length("length", 2, LengthCounts.FOLLOWING))).build()
        .maxFrameLength(), "a u16 length counting what follows it");
    assertEquals(255, FrameFormat.builder().header(List.of(constant("v", 1, 1), length("length", 1, LengthCounts.FRAME)))
        .build().maxFrameLength());
    assertEquals(24 + 65535, FrameFormat.builder()
        .header(List.of(field("a", 8), field("b", 8), length("length", 2, LengthCounts.BODY), field("c", 4), field("d", 2)))
        .build().maxFrameLength(), "a body length adds the 24-byte header");
    assertEquals(1 << 20, FrameFormat.builder().header(List.of(length("size", 4, LengthCounts.FOLLOWING).signed()))
        .build().maxFrameLength());
    assertEquals(127 + 1, FrameFormat.builder().header(List.of(length("l", 1, LengthCounts.FOLLOWING).signed()))
        .build().maxFrameLength(), "an i8 length describes 127 bytes after it");
    assertEquals(7, FrameFormat.builder().header(List.of(typeId("t", 1)))
        .fixedFrameSize(1, 3).fixedFrameSize(2, 7).build().maxFrameLength(), "without a length, the largest size");
    assertEquals(100, FrameFormat.builder().header(List.of(length("length", 2, LengthCounts.FOLLOWING)))
        .maxFrameLength(100).build().maxFrameLength(), "set, it stays");
  }

  @Test
  void theBuilderRefusesWhatMakesNoFormatSayingWhy() {
    HeaderField u16 = length("length", 2, LengthCounts.FOLLOWING);
    refused("one length field at most: 'length' and 'size'", () -> FrameFormat.builder()
        .header(List.of(u16, length("size", 4, LengthCounts.FRAME))).build());
    refused("one type id at most: 'tag' and 'op'", () -> FrameFormat.builder()
        .header(List.of(TAG, u16, typeId("op", 2))).build());
    refused("two header fields are named 'length'", () -> FrameFormat.builder()
        .header(List.of(u16, field("length", 1))).build());
    refused("takes no fixed frame sizes", () -> FrameFormat.builder().header(List.of(TAG, u16)).fixedFrameSize(1, 3).build());
    refused("takes no fixed frame sizes", () -> FrameFormat.builder().header(List.of(u16)).fixedFrameSize(3).build());
    refused("needs a fixed frame size for each value of its type id 'tag'",
        () -> FrameFormat.builder().header(List.of(TAG)).build());
    refused("fixedFrameSize(size) is for a header with neither length nor type id",
        () -> FrameFormat.builder().header(List.of(TAG)).fixedFrameSize(1).build());
    refused("needs a type id in the header",
        () -> FrameFormat.builder().header(List.of(field("f", 2))).fixedFrameSize(1, 4).build());
    refused("needs the size of its frames: fixedFrameSize(size)",
        () -> FrameFormat.builder().header(List.of(field("f", 2))).build());
    refused("the fixed frame size 1 for type id 0x4e is smaller than the 2-byte header",
        () -> FrameFormat.builder().header(List.of(TAG, field("f", 1))).fixedFrameSize('N', 1).build());
    refused("the fixed frame size 3 is smaller than the 4-byte header",
        () -> FrameFormat.builder().header(List.of(field("f", 4))).fixedFrameSize(3).build());
    refused("the fixed frame size 200 for type id 0x1 is above maxFrameLength 100",
        () -> FrameFormat.builder().header(List.of(TAG)).fixedFrameSize(1, 200).maxFrameLength(100).build());
    refused("type id 256 of a fixed frame size does not fit the u8 type id 'tag'",
        () -> FrameFormat.builder().header(List.of(TAG)).fixedFrameSize(256, 1).build());
    refused("the 24-byte header does not fit maxFrameLength 10",
        () -> FrameFormat.builder().header(List.of(field("a", 8), field("b", 8), field("c", 4), field("d", 2), u16))
            .maxFrameLength(10).build());
    refused("maxFrameLength 70000 does not fit the u16 length 'length', which counts following, whose largest frame"
        + " is 65537 bytes", () -> FrameFormat.builder().header(List.of(u16)).maxFrameLength(70_000).build());
    List<HeaderField> wide = new java.util.ArrayList<>(List.of(length("l", 1, LengthCounts.FRAME)));
    for (int i = 0; i < 32; i++) {
      wide.add(field("f" + i, 8));
    }
    refused("the u8 length 'l', which counts the frame, cannot describe a frame as large as the 257-byte header",
        () -> FrameFormat.builder().header(wide).build());
    refused("fixed frame sizes are for a header without a length", () -> FrameFormat.builder().fixedFrameSize(3).build());
    refused("a header needs at least one field", () -> FrameFormat.builder().header(List.of()));
    refused("a fixed frame size must be positive", () -> FrameFormat.builder().fixedFrameSize(0));
    IllegalStateException lengthAfter = assertThrows(IllegalStateException.class,
        () -> FrameFormat.builder().header(List.of(u16)).lengthSize(2));
    assertTrue(lengthAfter.getMessage().contains("is for the prefix format"), lengthAfter.getMessage());
    IllegalStateException headerAfter = assertThrows(IllegalStateException.class,
        () -> FrameFormat.builder().lengthSize(2).header(List.of(u16)));
    assertTrue(headerAfter.getMessage().contains("lengthSize(2) was set"), headerAfter.getMessage());
  }

  @Test
  void fixedFrameSizesAreByTypeIdOrOneForEveryFrame() {
    FrameFormat ssl = FrameFormat.builder().header(List.of(TAG))
        .fixedFrameSize('S', 1).fixedFrameSize('N', 1).fixedFrameSize('G', 1).build();
    assertEquals(List.of(0x47L, 0x4EL, 0x53L), List.copyOf(ssl.fixedFrameSizes().keySet()), "in the order of the ids");
    assertEquals(OptionalInt.of(1), ssl.fixedFrameSize('N'));
    assertEquals(OptionalInt.empty(), ssl.fixedFrameSize('X'));
    assertEquals(0, ssl.lengthSize());
    assertThrows(IllegalStateException.class, () -> ssl.lengthValue(1), "no length to carry a value");
    assertEquals("FrameFormat[u8 tag type_id, big-endian, max=1, fixed sizes {0x47=1, 0x4e=1, 0x53=1}]", ssl.toString());
    FrameFormat one = FrameFormat.builder().header(List.of(constant("magic", 2, 0xCAFE), field("x", 8))).fixedFrameSize(16)
        .build();
    assertEquals(OptionalInt.of(16), one.fixedFrameSize(12345), "every frame, whatever the id");
    assertEquals(Map.of(), one.fixedFrameSizes());
    assertEquals("FrameFormat[u16 magic = 0xcafe, u64 x, big-endian, max=16, fixed size 16]", one.toString());
    FrameFormat signedIds = FrameFormat.builder().header(List.of(typeId("t", 2).signed()))
        .fixedFrameSize(-1, 4).fixedFrameSize(1, 2).build();
    assertEquals(OptionalInt.of(4), signedIds.fixedFrameSize(-1));
  }

  @Test
  void equalityAndToBuilderCoverEverySetting() {
    assertEquals(POSTGRES, POSTGRES.toBuilder().build());
    assertEquals(POSTGRES.hashCode(), POSTGRES.toBuilder().build().hashCode());
    assertNotEquals(POSTGRES, POSTGRES.toBuilder().maxFrameLength(100).build());
    assertNotEquals(POSTGRES, POSTGRES.toBuilder().byteOrder(ByteOrder.LITTLE_ENDIAN).build());
    assertNotEquals(POSTGRES, FrameFormat.builder().header(List.of(TAG, length("length", 4, LengthCounts.ITSELF_AND_FOLLOWING)))
        .build(), "an unsigned length");
    assertNotEquals(POSTGRES, FrameFormat.defaults());
    FrameFormat ssl = FrameFormat.builder().header(List.of(TAG)).fixedFrameSize('N', 1).build();
    assertEquals(ssl, ssl.toBuilder().build());
    assertNotEquals(ssl, ssl.toBuilder().fixedFrameSize('S', 1).build());
    // A maximum left to its default follows the header; one that was set stays.
    FrameFormat u16 = FrameFormat.defaults().toBuilder().header(List.of(length("length", 2, LengthCounts.FOLLOWING))).build();
    assertEquals(65537, u16.maxFrameLength());
    assertEquals(1 << 20, u16.toBuilder().header(List.of(length("length", 4, LengthCounts.FOLLOWING))).build().maxFrameLength());
    FrameFormat set = POSTGRES.toBuilder().maxFrameLength(5000).build();
    assertEquals(5000, set.toBuilder().header(List.of(length("l", 2, LengthCounts.FOLLOWING))).build().maxFrameLength());
    // The prefix format is as it was.
    FrameFormat prefix = FrameFormat.builder().lengthSize(2).maxFrameLength(100).build();
    assertEquals(prefix, prefix.toBuilder().build());
    assertEquals(FrameFormat.defaults(), FrameFormat.defaults().toBuilder().build());
  }

  @Test
  void fieldsAreReadAndWrittenAtTheirOffsetsInTheirOwnOrder() {
    HeaderField u24le = field("a", 3).order(ByteOrder.LITTLE_ENDIAN);
    HeaderField i16 = field("b", 2).signed();
    HeaderField u64 = field("c", 8);
    HeaderField i24 = field("d", 3).signed();
    HeaderField u32 = field("e", 4);
    FrameFormat format = FrameFormat.builder().header(List.of(u24le, i16, u64, i24, u32)).fixedFrameSize(20).build();
    ByteBuffer frame = ByteBuffer.allocate(23).position(7);
    format.writeField(frame, 3, u24le, 0x010203);
    format.writeField(frame, 3, i16, -2);
    format.writeField(frame, 3, u64, 0x8000_0000_0000_0001L);
    format.writeField(frame, 3, i24, -(1 << 23));
    format.writeField(frame, 3, u32, 0xFFFF_FFFFL);
    assertEquals(7, frame.position(), "absolute writes");
    assertEquals("000000" + "030201" + "fffe" + "8000000000000001" + "800000" + "ffffffff", Bytes.of(frame.array()).hex());
    assertEquals(0x010203, format.readField(frame, 3, u24le));
    assertEquals(-2, format.readField(frame, 3, i16));
    assertEquals(0x8000_0000_0000_0001L, format.readField(frame, 3, u64), "64 bits as they are");
    assertEquals(-(1 << 23), format.readField(frame, 3, i24));
    assertEquals(0xFFFF_FFFFL, format.readField(frame, 3, u32));
    assertEquals(-2, format.readField(frame, 3, field("b", 2).signed()), "an equal field is the same field");
    FrameFormat little = format.toBuilder().byteOrder(ByteOrder.LITTLE_ENDIAN).build();
    little.writeField(frame, 3, u32, 0x0A0B0C0D);
    assertEquals("0d0c0b0a", Bytes.of(frame.array()).hex().substring(38), "the format's order for a field without one");
    little.writeField(frame, 3, u24le, 0x010203);
    assertEquals("030201", Bytes.of(frame.array()).hex().substring(6, 12), "a field's own order over the format's");
    refused("value 65536 does not fit the i16 field 'b'", () -> format.writeField(frame, 3, i16, 65536));
    refused("value -1 does not fit the u32 field 'e'", () -> format.writeField(frame, 3, u32, -1));
    refused("is not a field of the header", () -> format.readField(frame, 0, field("z", 1)));
    assertThrows(IndexOutOfBoundsException.class, () -> format.readField(frame, 10, u32), "past the limit");
  }

  /** MQTT 3.1.1's fixed header: the packet type and flags in one byte, then the remaining length. */
  private static final HeaderField PACKET_TYPE = typeId("packet_type", 1).bits(4);
  private static final HeaderField FLAGS = field("flags", 1).bits(4);
  private static final HeaderField REMAINING = varintLength("remaining_length", 4, LengthCounts.FOLLOWING);
  private static final FrameFormat MQTT = FrameFormat.builder().header(List.of(PACKET_TYPE, FLAGS, REMAINING)).build();

  @Test
  void bitFieldsInARowMustFillTheirByteExactly() {
    refused("bit fields 'a' (3 bits) and 'b' (4 bits) leave 1 bit of their byte unnamed",
        () -> FrameFormat.builder().header(List.of(field("a", 1).bits(3), field("b", 1).bits(4))).fixedFrameSize(1).build());
    refused("bit field 'a' (3 bits) leaves 5 bits of its byte unnamed", () -> FrameFormat.builder()
        .header(List.of(field("a", 1).bits(3), field("x", 1))).fixedFrameSize(2).build());
    refused("bit fields 'a' (1 bit), 'b' (2 bits) and 'c' (3 bits) leave 2 bits of their byte unnamed",
        () -> FrameFormat.builder().header(List.of(field("a", 1).bits(1), field("b", 1).bits(2), field("c", 1).bits(3),
            length("length", 2, LengthCounts.FOLLOWING))).build());
    refused("bit fields 'a' (5 bits) and 'b' (4 bits) take 9 bits: more than the 8 of their byte",
        () -> FrameFormat.builder().header(List.of(field("a", 1).bits(5), field("b", 1).bits(4), field("c", 1).bits(7)))
            .fixedFrameSize(2).build());
    refused("bit field 'a' (4 bits) leaves 4 bits of its byte unnamed", () -> FrameFormat.builder()
        .header(List.of(field("a", 1).bits(4), REMAINING)).build());
    FrameFormat packed = FrameFormat.builder()
        .header(List.of(field("a", 1).bits(1), field("b", 1).bits(7), field("c", 1).bits(4), field("d", 1).bits(4),
            field("e", 2)))
        .fixedFrameSize(4).build();
    assertEquals(4, packed.headerSize(), "a byte for a and b, one for c and d, two for e");
    assertEquals(List.of(0, 0, 1, 1, 2), packed.header().stream().map(packed::offsetOf).toList());
  }

  @Test
  void aBitFieldIsReadAndWrittenAsItsBitsAloneKeepingTheRestOfItsByte() {
    ByteBuffer frame = ByteBuffer.allocate(4);
    MQTT.writeField(frame, 1, PACKET_TYPE, 0x3);
    assertEquals("00300000", Bytes.of(frame.array()).hex(), "the type in the high nibble");
    MQTT.writeField(frame, 1, FLAGS, 0x2);
    assertEquals("00320000", Bytes.of(frame.array()).hex(), "the flags in the low one, the type kept");
    assertEquals(0x3, MQTT.readField(frame, 1, PACKET_TYPE));
    assertEquals(0x2, MQTT.readField(frame, 1, FLAGS));
    assertEquals(0, MQTT.offsetOf(PACKET_TYPE));
    assertEquals(0, MQTT.offsetOf("flags"), "the byte both share");
    frame.put(1, (byte) 0xFF);
    MQTT.writeField(frame, 1, PACKET_TYPE, 0);
    assertEquals(0x0F, frame.get(1), "the flags' bits kept");
    assertEquals(0xF, MQTT.readField(frame, 1, FLAGS));
    MQTT.writeField(frame, 1, FLAGS, 0xC);
    MQTT.writeField(frame, 1, PACKET_TYPE, 0xF);
    assertEquals((byte) 0xFC, frame.get(1));
    assertEquals(0, frame.position(), "absolute writes");
    refused("value 16 does not fit the u4 field 'packet_type'", () -> MQTT.writeField(frame, 1, PACKET_TYPE, 16));
    refused("value -1 does not fit the u4 field 'flags'", () -> MQTT.writeField(frame, 1, FLAGS, -1));
    assertEquals((byte) 0xFC, frame.get(1), "nothing written by a refusal");
  }

  @Test
  void aVarintLengthEndsTheHeaderAndCountsTheBytesAfterIt() {
    assertEquals(5, MQTT.headerSize(), "the type byte and the varint at its longest");
    assertEquals(2, MQTT.minHeaderSize());
    assertEquals(2, MQTT.sizeKnownAfter(), "the first byte of the varint, then one at a time");
    assertEquals(4, MQTT.lengthSize(), "the varint's most bytes");
    assertEquals(Optional.of(REMAINING), MQTT.lengthField());
    assertEquals(1, MQTT.offsetOf(REMAINING));
    assertEquals(1 << 20, MQTT.maxFrameLength(), "the default: the varint describes more");
    assertEquals("FrameFormat[u4 packet_type type_id, u4 flags, varint<4> remaining_length counts following, big-endian,"
        + " max=1048576]", MQTT.toString());
    assertEquals(0, MQTT.lengthValue(2));
    assertEquals(127, MQTT.lengthValue(129));
    assertEquals(128, MQTT.lengthValue(131), "two bytes of varint");
    assertEquals(16384, MQTT.lengthValue(1 + 3 + 16384));
    refused("no frame has 130 bytes: a body of 127 bytes and its 1-byte varint length 'remaining_length' make 129,"
        + " a body of 128 bytes and its 2-byte one 131", () -> MQTT.lengthValue(130));
    refused("no frame has 16387 bytes", () -> MQTT.lengthValue(1 + 2 + 16384));
    refused("a frame of 1 bytes is smaller than the 2-byte header", () -> MQTT.lengthValue(1));
    FrameFormat small = FrameFormat.builder().header(List.of(field("f", 1), varintLength("l", 1, LengthCounts.BODY))).build();
    assertEquals(1 + 1 + 127, small.maxFrameLength(), "the default follows the varint's largest value");
    assertEquals(127, small.lengthValue(129), "the body: the bytes after the varint");
    FrameFormat largest = MQTT.toBuilder().maxFrameLength(268_435_460).build();
    assertEquals(268_435_460, largest.largestFrameSize(), "the type byte, 4 bytes of varint, 268,435,455 after");
    refused("a frame of 268435461 bytes is larger than the varint length 'remaining_length' describes: 268435460"
        + " bytes at most", () -> largest.lengthValue(268_435_461));
    refused("maxFrameLength 268435461 does not fit the varint<4> length 'remaining_length', which counts following,"
        + " whose largest frame is 268435460 bytes", () -> MQTT.toBuilder().maxFrameLength(268_435_461).build());
    assertEquals(2, MQTT.toBuilder().maxFrameLength(2).build().maxFrameLength(), "the smallest header fits");
    refused("the smallest 2-byte header does not fit maxFrameLength 1", () -> MQTT.toBuilder().maxFrameLength(1).build());
    assertEquals(MQTT, MQTT.toBuilder().build());
    assertNotEquals(MQTT, FrameFormat.builder().header(List.of(PACKET_TYPE, FLAGS,
        varintLength("remaining_length", 4, LengthCounts.BODY))).build());
  }

  @Test
  void aVarintLengthMustBeTheLastFieldAndCountOnlyWhatFollowsIt() {
    refused("the varint length 'remaining_length' must be the header's last field: its size varies, so 'x' after it"
        + " would have no fixed offset", () -> FrameFormat.builder().header(List.of(TAG, REMAINING, field("x", 1))).build());
    refused("the varint length 'l' cannot count itself and following: its own size varies with its value",
        () -> FrameFormat.builder().header(List.of(TAG, varintLength("l", 4, LengthCounts.ITSELF_AND_FOLLOWING))).build());
    refused("the varint length 'l' cannot count the frame", () -> FrameFormat.builder()
        .header(List.of(varintLength("l", 2, LengthCounts.FRAME))).build());
    refused("one length field at most", () -> FrameFormat.builder()
        .header(List.of(length("a", 2, LengthCounts.FOLLOWING), varintLength("l", 2, LengthCounts.FOLLOWING))).build());
    FrameFormat alone = FrameFormat.builder().header(List.of(varintLength("l", 2, LengthCounts.FOLLOWING))).build();
    assertEquals(1, alone.minHeaderSize(), "a header of the varint alone");
    assertEquals(1, alone.sizeKnownAfter());
    assertEquals(2, alone.headerSize());
    assertEquals(2 + 16383, alone.maxFrameLength());
  }

  @Test
  void varintsAreWrittenInTheirFewestBytesAndReadBack() {
    long[] values = {0, 127, 128, 16383, 16384, 2_097_151, 2_097_152, 268_435_455};
    String[] hex = {"00", "7f", "8001", "ff7f", "808001", "ffff7f", "80808001", "ffffff7f"};
    for (int i = 0; i < values.length; i++) {
      long value = values[i];
      ByteBuffer frame = ByteBuffer.allocate(8).position(3);
      frame.put(0, (byte) 0x30);
      int written = MQTT.writeVarintLength(frame, 0, value);
      assertEquals(hex[i].length() / 2, written, hex[i]);
      assertEquals(written, FrameFormat.varintSize(value), hex[i]);
      assertEquals("30" + hex[i], Bytes.of(frame.array()).hex().substring(0, 2 + hex[i].length()));
      assertEquals(3, frame.position(), "absolute writes");
      assertEquals(value, MQTT.readField(frame, 0, REMAINING), hex[i]);
      assertEquals(1 + written, MQTT.headerSize(frame, 0), hex[i]);
    }
    assertEquals(5, FrameFormat.varintSize(268_435_456));
    assertEquals(9, FrameFormat.varintSize(Long.MAX_VALUE));
    refused("a varint is not negative: -1", () -> FrameFormat.varintSize(-1));
    ByteBuffer frame = ByteBuffer.allocate(3);
    refused("value 268435456 does not fit the varint<4> length 'remaining_length' (0 to 268435455)",
        () -> MQTT.writeVarintLength(frame, 0, 268_435_456));
    refused("value -1 does not fit", () -> MQTT.writeVarintLength(frame, 0, -1));
    assertThrows(IndexOutOfBoundsException.class, () -> MQTT.writeVarintLength(frame, 0, 16384), "past the limit");
    assertEquals("000000", Bytes.of(frame.array()).hex(), "nothing written past the limit, nor before it");
    refused("the varint length 'remaining_length' takes as many bytes as its value needs: write it with"
        + " writeVarintLength", () -> MQTT.writeField(frame, 0, REMAINING, 1));
    assertThrows(IllegalStateException.class, () -> POSTGRES.writeVarintLength(frame, 0, 1), "no varint to write");
    assertEquals(5, POSTGRES.headerSize(frame, 0), "a fixed header's size, read from nothing");
    // A frame that is cut inside its varint, or whose varint runs past its 4 bytes.
    ByteBuffer cut = ByteBuffer.wrap(Bytes.fromHex("308080").toByteArray());
    assertThrows(IndexOutOfBoundsException.class, () -> MQTT.headerSize(cut, 0));
    ByteBuffer tooLong = ByteBuffer.wrap(Bytes.fromHex("30ffffffff01").toByteArray());
    refused("runs past its 4 bytes at most", () -> MQTT.headerSize(tooLong, 0));
    refused("runs past its 4 bytes at most", () -> MQTT.readField(tooLong, 0, REMAINING));
    assertEquals(0, MQTT.readField(ByteBuffer.wrap(Bytes.fromHex("308000").toByteArray()), 0, REMAINING),
        "read as it is, though the reader refuses it");
  }
}
