package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.codegen.FrameLayoutsTest.Subject;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.ProtocolException;
import dev.parley.spec.decode.DecodeException;
import dev.parley.spec.decode.DecodedFrame;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The edges of the body constructs of SPEC.md 13, through the generated code of
 * {@code valid/bodies/constructs.parley} (Parley's own frame: a u16 type id starts every body):
 * exact bytes written, exact values read, exact errors for bytes that are not a message and for
 * values no message can hold. Every body read is read by the interpreter too, which must agree.
 */
class BodyEdgesTest {

  private static final Subject CONSTRUCTS = BodiesTest.subject("constructs.parley");

  // ---- string<nul> (13.2) ---------------------------------------------------------------------

  @Test
  void emptyNulStringIsOneZeroByte() {
    assertEncodes("0001 00", message("NulString", ""));
  }

  @Test
  void nulTerminatorMayBeTheFramesLastByte() {
    assertEncodes("0001 61626300", message("NulString", "abc"));
    assertEncodes("0002 6100 07 00", message("NulStrings", "a", 7, ""));
  }

  @Test
  void nulStringWithoutTerminatorIsRefusedNamingTheField() {
    assertRefused("0001 616263", "NulString.text: string has no NUL terminator in the 3 bytes left, at offset 2");
    assertRefused("0001", "NulString.text: string has no NUL terminator in the 0 bytes left, at offset 2");
    assertRefused("0002 6100 07 62", "NulStrings.second: string has no NUL terminator in the 1 bytes left, at offset 5");
  }

  @Test
  void nulStringBeforeItsTerminatorIsStrictUtf8() {
    assertRefused("0001 61ff00", "NulString.text: malformed UTF-8 (byte 0xff), at offset 3");
  }

  @Test
  void recordRefusesANulCharacterThatWouldEndTheStringOnTheWire() {
    assertRefusedAtConstruction("text contains a NUL character at index 1, which would end it on the wire",
        "NulString", "a\0b");
    assertRefusedAtConstruction("names[1] contains a NUL character at index 0, which would end it on the wire",
        "SignedPrefixes", "", "", Bytes.empty(), List.of(), List.of("x", "\0"));
  }

  // ---- Signed prefixes (13.1) -----------------------------------------------------------------

  @Test
  void signedPrefixesAreWrittenAsTheirWidths() {
    assertEncodes("0003 01 61 0002 6263 00000001 ff 0002 0102 02 7800 7900",
        message("SignedPrefixes", "a", "bc", Bytes.of((byte) 0xFF), List.of(1, 2), List.of("x", "y")));
  }

  @Test
  void negativeSignedLengthOrCountIsRefused() {
    assertRefused("0003 ff", "SignedPrefixes.tiny: length -1 is negative, at offset 2");
    assertRefused("0003 00 8000", "SignedPrefixes.text: length -32768 is negative, at offset 3");
    assertRefused("0003 00 0000 fffffffe", "SignedPrefixes.data: length -2 is negative, at offset 5");
    assertRefused("0003 00 0000 00000000 ffff", "SignedPrefixes.values: count -1 is negative, at offset 9");
    assertRefused("0003 00 0000 00000000 0000 80", "SignedPrefixes.names: count -128 is negative, at offset 11");
  }

  @Test
  void recordRefusesALengthBeyondTheSignedRange() {
    assertRefusedAtConstruction("tiny takes 128 bytes of UTF-8, more than its i8 length allows (127)",
        "SignedPrefixes", "a".repeat(128), "", Bytes.empty(), List.of(), List.of());
    assertRefusedAtConstruction("values has 32768 elements, more than its i16 count allows (32767)",
        "SignedPrefixes", "", "", Bytes.empty(), java.util.Collections.nCopies(32768, 1), List.of());
    message("SignedPrefixes", "a".repeat(127), "", Bytes.empty(), java.util.Collections.nCopies(32767, 1), List.of());
  }

  // ---- Sizes kept in an earlier field (13.3) --------------------------------------------------

  @Test
  void sizeFieldsAreComputedFromWhatTheySize() {
    assertEncodes("0004 02 0001 000001 00000000 0001 6869 ff 00010002 09 7a00",
        message("SizedByFields", "hi", Bytes.of((byte) 0xFF), List.of(point(1, 2)), 9, Bytes.empty(), List.of("z")));
    // SPEC.md 13.3's example, in a list of one.
    assertEncodes("0005 01 02 0002 6162 0001 0002",
        message("Entries", List.of(record("Entry", "ab", List.of(1, 2)))));
  }

  @Test
  void sizeFieldOfZeroSizesNothing() {
    assertEncodes("0006 00", message("ShortKey", ""));
    assertEncodes("0007 0000", message("SignedCount", List.of()));
  }

  @Test
  void sizeFieldMayClaimExactlyTheBytesLeft() {
    assertEncodes("0006 03 616263", message("ShortKey", "abc"));
  }

  @Test
  void sizeFieldClaimingOneByteMoreThanIsLeftIsRefusedAtItsOffset() {
    assertRefused("0006 04 616263", "ShortKey.key: length 4 exceeds the 3 bytes left, at offset 2");
    assertRefused("0004 00 0000 000000 00000001 0000 00", "SizedByFields.blob: length 1 exceeds the 0 bytes left,"
        + " at offset 8");
  }

  @Test
  void sizeBeyondTheBytesLeftIsRefusedBeforeAllocating() {
    // A u32 length of 4 GiB and a u24 count of 16 million points, each with 1 byte left: believed,
    // either would allocate far more than the frame.
    assertRefusedWithin("0004 00 0000 000000 ffffffff 0000 00",
        "SizedByFields.blob: length 4294967295 exceeds the 0 bytes left, at offset 8");
    assertRefusedWithin("0004 00 0000 ffffff 00000000 0000 00",
        "SizedByFields.points: count 16777215 of elements of at least 4 bytes exceeds the 1 bytes left, at offset 5");
    assertRefusedWithin("0007 7fff 00010002",
        "SignedCount.points: count 32767 of elements of at least 4 bytes exceeds the 4 bytes left, at offset 2");
  }

  @Test
  void countMayBeTheMostTheBytesLeftAllow() {
    assertEncodes("0007 0002 00010002 00030004", message("SignedCount", List.of(point(1, 2), point(3, 4))));
    assertRefused("0007 0003 00010002 00030004",
        "SignedCount.points: count 3 of elements of at least 4 bytes exceeds the 8 bytes left, at offset 2");
  }

  @Test
  void signedSizeFieldOfNegativeValueIsRefused() {
    assertRefused("0007 ffff", "SignedCount.points: count -1 is negative, at offset 2");
    assertRefused("0007 8000 00010002", "SignedCount.points: count -32768 is negative, at offset 2");
  }

  @Test
  void recordRefusesAStringLongerThanItsU8SizeFieldAllows() {
    message("ShortKey", "k".repeat(255));
    assertRefusedAtConstruction("key takes 256 bytes of UTF-8, more than its u8 length allows (255)",
        "ShortKey", "k".repeat(256));
    // 128 characters, 256 bytes of UTF-8: the size field counts bytes.
    assertRefusedAtConstruction("key takes 256 bytes of UTF-8, more than its u8 length allows (255)",
        "ShortKey", "\u00e9".repeat(128));
    assertRefusedAtConstruction("points has 32768 elements, more than its i16 count allows (32767)",
        "SignedCount", java.util.Collections.nCopies(32768, point(0, 0)));
  }

  // ---- To the end of the frame (13.4) ---------------------------------------------------------

  @Test
  void restFieldsMayBeEmpty() {
    assertEncodes("0008 05", message("RestBytes", 5, Bytes.empty()));
    assertEncodes("0009", message("RestString", ""));
    assertEncodes("000a 01", message("RestList", 1, List.of()));
  }

  @Test
  void restFieldsTakeEveryByteLeft() {
    assertEncodes("0008 05 00ff0001", message("RestBytes", 5, Bytes.fromHex("00ff0001")));
    assertEncodes("0009 68c3a96c6c6f00", message("RestString", "h\u00e9llo\0"));
    assertEncodes("000a 01 0001 ffff", message("RestList", 1, List.of(1, 65535)));
  }

  @Test
  void restListWithAnElementCutShortIsRefused() {
    assertRefused("000a 01 0001 02", "RestList.values[1]: need 2 bytes, 1 left, at offset 5");
  }

  @Test
  void restStringIsStrictUtf8() {
    assertRefused("0009 68c3", "RestString.text: malformed UTF-8 (byte 0xc3), at offset 3");
  }

  // ---- Lists ended by a sentinel (13.5) -------------------------------------------------------

  @Test
  void emptySentinelListIsTheSentinelAlone() {
    assertEncodes("000b 00", message("UntilZero", List.of()));
    assertEncodes("000c 00", message("UntilEmptyName", List.of()));
    assertEncodes("000d 00", message("UntilEnum", List.of()));
    assertEncodes("000e 00", message("UntilEmptyString", List.of()));
    assertEncodes("000f ffffffff 07", message("UntilMinusOne", List.of(), 7));
    assertEncodes("0010 03656e64", message("UntilTitle", List.of()));
  }

  @Test
  void sentinelListElementsComeBeforeTheSentinel() {
    assertEncodes("000b 0102ff 00", message("UntilZero", List.of(1, 2, 255)));
    // A startup parameter's empty value is no sentinel: only the first value of an element is.
    assertEncodes("000c 7500 00 00", message("UntilEmptyName", List.of(record("Param", "u", ""))));
    assertEncodes("000d 016100 02 00 00", message("UntilEnum", List.of(item("TEXT", "a"), item("NUMBER", ""))));
    assertEncodes("000e 6100 6200 00", message("UntilEmptyString", List.of("a", "b")));
    assertEncodes("000f 00000000 fffffffe ffffffff 07", message("UntilMinusOne", List.of(0, -2), 7));
    assertEncodes("0010 03656e65 0001 03656e64", message("UntilTitle", List.of(record("Section", "ene", 1))));
    assertEncodes("0016 02 0100 00 01 0200", message("UntilNested", List.of(List.of(1), List.of()),
        Optional.of(List.of(2))));
    assertEncodes("0016 00 00", message("UntilNested", List.of(), Optional.empty()));
  }

  @Test
  void sentinelListWithoutItsSentinelIsRefused() {
    assertRefused("000b 0102", "UntilZero.values[2]: need 1 byte, 0 left, at offset 4");
    assertRefused("000c 7500 7600", "UntilEmptyName.params[1]: string has no NUL terminator in the 0 bytes left,"
        + " at offset 6");
    assertRefused("000d 016100", "UntilEnum.items[1]: need 1 byte, 0 left, at offset 5");
    assertRefused("000f 00000001 ffff", "UntilMinusOne.values[1]: need 4 bytes, 2 left, at offset 6");
    assertRefused("000f ffffffff", "UntilMinusOne.after: need 1 byte, 0 left, at offset 6");
  }

  @Test
  void sentinelListElementOfAnUndeclaredValueIsRefused() {
    assertRefused("000d 076100 00", "UntilEnum.items[0]: undeclared Code value 7, at offset 2");
  }

  @Test
  void recordRefusesAnElementThatStartsWithTheSentinel() {
    assertRefusedAtConstruction("values[1] starts with 0, the sentinel that ends the list", "UntilZero", List.of(1, 0));
    assertRefusedAtConstruction("params[0] starts with \"\", the sentinel that ends the list",
        "UntilEmptyName", List.of(record("Param", "", "x")));
    assertRefusedAtConstruction("items[1] starts with END, the sentinel that ends the list",
        "UntilEnum", List.of(item("TEXT", ""), item("END", "x")));
    assertRefusedAtConstruction("words[0] starts with \"\", the sentinel that ends the list",
        "UntilEmptyString", List.of(""));
    assertRefusedAtConstruction("values[0] starts with -1, the sentinel that ends the list",
        "UntilMinusOne", List.of(-1), 0);
    assertRefusedAtConstruction("sections[0] starts with \"end\", the sentinel that ends the list",
        "UntilTitle", List.of(record("Section", "end", 0)));
    // A list's own sentinel, wherever the list is: an element of another list, or optional.
    assertRefusedAtConstruction("rows[1][2] starts with 0, the sentinel that ends the list",
        "UntilNested", List.of(List.of(1), List.of(2, 3, 0)), Optional.empty());
    assertRefusedAtConstruction("maybe[0] starts with 0, the sentinel that ends the list",
        "UntilNested", List.of(), Optional.of(List.of(0)));
  }

  // ---- nullable (13.6) ------------------------------------------------------------------------

  @Test
  void nullIsAPrefixOfMinusOneWithNothingAfterIt() {
    assertEncodes("0011 ffff", message("NullableString", Optional.empty()));
    assertEncodes("0012 ffffffff", message("NullableBytes", Optional.empty()));
    assertEncodes("0013 ffff", message("NullableList", Optional.empty()));
    assertEncodes("0014 0003 ffffffff 00000000 00000001 31",
        message("NullableColumns", List.of(Optional.empty(), Optional.of(Bytes.empty()), Optional.of(Bytes.of((byte) '1')))));
  }

  @Test
  void presentNullableValuesMayBeEmpty() {
    assertEncodes("0011 0000", message("NullableString", Optional.of("")));
    assertEncodes("0011 0002 6869", message("NullableString", Optional.of("hi")));
    assertEncodes("0012 00000000", message("NullableBytes", Optional.of(Bytes.empty())));
    assertEncodes("0013 0000", message("NullableList", Optional.of(List.of())));
    assertEncodes("0013 0002 0709", message("NullableList", Optional.of(List.of(7, 9))));
  }

  @Test
  void negativeNullableLengthOtherThanMinusOneIsRefused() {
    assertRefused("0011 fffe", "NullableString.text: length -2: only -1, null, may be negative, at offset 2");
    assertRefused("0012 80000000", "NullableBytes.data: length -2147483648: only -1, null, may be negative, at offset 2");
    assertRefused("0013 fffe", "NullableList.values: count -2: only -1, null, may be negative, at offset 2");
    assertRefused("0014 0001 fffffffe", "NullableColumns.columns[0]: length -2: only -1, null, may be negative,"
        + " at offset 4");
  }

  @Test
  void nullableLengthBeyondTheBytesLeftIsRefused() {
    assertRefused("0011 0003 6869", "NullableString.text: length 3 exceeds the 2 bytes left, at offset 2");
    assertRefused("0013 0003 0709", "NullableList.values: count 3 of elements of at least 1 byte exceeds the 2 bytes"
        + " left, at offset 2");
  }

  @Test
  void nullableFieldAddedLaterIsNullInAnOlderWritersFrame() {
    assertDecodes("0015 07", message("NullableSince", 7, Optional.empty()));
    assertEncodes("0015 07 ffff", message("NullableSince", 7, Optional.empty()));
    assertEncodes("0015 07 0002 6869", message("NullableSince", 7, Optional.of("hi")));
  }

  // ---- Helpers --------------------------------------------------------------------------------

  /** A record of {@code bodies.constructs} from its components, by its canonical constructor. */
  private static Object record(String name, Object... components) {
    return BodiesTest.record("bodies.constructs." + name, components);
  }

  private static Object message(String name, Object... components) {
    return record(name, components);
  }

  private static Object point(int x, int y) {
    return record("Point", (short) x, (short) y);
  }

  private static Object item(String code, String text) {
    return record("Item", constant("Code", code), text);
  }

  private static Object constant(String enumName, String constant) {
    return BodiesTest.constant("bodies.constructs." + enumName, constant);
  }

  private static byte[] hex(String spaced) {
    return HexFormat.of().parseHex(spaced.replace(" ", ""));
  }

  /** {@code message} encodes to the body {@code hex}, which decodes back to it. */
  private static void assertEncodes(String hex, Object message) {
    byte[] body = new byte[CONSTRUCTS.protocol().encodedSize(message)];
    CONSTRUCTS.protocol().encode(message, ByteBuffer.wrap(body));
    assertEquals(hex.replace(" ", ""), HexFormat.of().formatHex(body), () -> "the body of " + message);
    assertDecodes(hex, message);
  }

  /** The body {@code hex} decodes to {@code expected}, and the interpreter reads it alike. */
  private static void assertDecodes(String hex, Object expected) {
    Object decoded;
    try {
      decoded = CONSTRUCTS.protocol().decode(ByteBuffer.wrap(hex(hex)));
    } catch (ProtocolException e) {
      throw new AssertionError(hex + " does not decode", e);
    }
    assertEquals(expected, decoded, hex);
    DecodedFrame frame;
    try {
      frame = CONSTRUCTS.interpreter().decodeBody(0, ByteBuffer.wrap(hex(hex)));
    } catch (DecodeException e) {
      throw new AssertionError("the interpreter refuses " + hex, e);
    }
    assertEquals(0, frame.skippedBytes(), hex);
    InterpreterAgreementTest.assertAgrees(decoded, frame, hex);
  }

  /** The body {@code hex} is refused with {@code message}, by the generated decoder and the interpreter. */
  private static void assertRefused(String hex, String message) {
    MalformedFrameException generated = assertThrows(MalformedFrameException.class,
        () -> CONSTRUCTS.protocol().decode(ByteBuffer.wrap(hex(hex))), hex);
    assertEquals(message, generated.getMessage(), hex);
    DecodeException interpreted = assertThrows(DecodeException.class,
        () -> CONSTRUCTS.interpreter().decodeBody(0, ByteBuffer.wrap(hex(hex))), hex);
    assertEquals(message, interpreted.bodyMessage(), "the interpreter, on " + hex);
  }

  /** As {@link #assertRefused}, and the generated decoder allocates within the frame's bound doing so. */
  private static void assertRefusedWithin(String hex, String message) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertRefused(hex, message); // loads what the decoder needs, so that what follows is its own
    long before = threads.getCurrentThreadAllocatedBytes();
    assertThrows(MalformedFrameException.class, () -> CONSTRUCTS.protocol().decode(ByteBuffer.wrap(hex(hex))));
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated <= BodiesTest.allocationBound(hex(hex).length), () -> allocated + " bytes allocated");
  }

  private static void assertRefusedAtConstruction(String message, String name, Object... components) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> record(name, components));
    assertEquals(message, e.getMessage());
  }
}
