package drivers;

import static drivers.Codec.assertRoundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import codegen.edges.At;
import codegen.edges.Bits64;
import codegen.edges.Bits8;
import codegen.edges.Choices;
import codegen.edges.EdgesProtocol;
import codegen.edges.Empty;
import codegen.edges.Numbers;
import codegen.edges.Report;
import codegen.edges.Small;
import codegen.edges.Step;
import codegen.edges.Texts;
import codegen.edges.Wide;
import dev.parley.runtime.Bytes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/** Every type of edges.parley round-trips at its edges. */
public final class EdgeRoundTrips {

  private EdgeRoundTrips() {}

  static final EdgesProtocol P = EdgesProtocol.INSTANCE;

  public static void numbersAtTheirLimits() throws Exception {
    assertRoundTrip(P, new Numbers(0, 0, 0, 0, (byte) 0, (short) 0, 0, 0, 0f, 0d, false));
    assertRoundTrip(P, new Numbers(255, 65535, 4294967295L, -1L, Byte.MIN_VALUE, Short.MIN_VALUE,
        Integer.MIN_VALUE, Long.MIN_VALUE, Float.MIN_VALUE, -Double.MAX_VALUE, true));
    assertRoundTrip(P, new Numbers(1, 1, 1, Long.MAX_VALUE, Byte.MAX_VALUE, Short.MAX_VALUE,
        Integer.MAX_VALUE, Long.MAX_VALUE, Float.NaN, -0.0d, true));
    assertRoundTrip(P, new Numbers(7, 7, 7, 7, (byte) -1, (short) -1, -1, -1, Float.NEGATIVE_INFINITY,
        Double.NaN, false));
  }

  public static void u64CarriesTheUnsignedBits() throws Exception {
    Numbers max = new Numbers(0, 0, 0, -1L, (byte) 0, (short) 0, 0, 0, 0f, 0d, false);
    byte[] body = Codec.encode(P, max);
    for (int i = 9; i < 17; i++) {
      assertEquals((byte) 0xFF, body[i], "u64 max is eight 0xFF bytes");
    }
    assertEquals("18446744073709551615", Long.toUnsignedString(((Numbers) Codec.decode(P, body)).aU64()));
  }

  public static void textsEmptyAndFourByteUtf8() throws Exception {
    assertRoundTrip(P, new Texts("", "", "", Bytes.empty(), Bytes.empty(), Bytes.of(new byte[4])));
    String astral = "\uD83D\uDE00 ü € 𝄞";
    assertRoundTrip(P, new Texts(astral, astral, astral, Bytes.of((byte) 0xFF, (byte) 0),
        Bytes.of((byte) 1), Bytes.of((byte) 1, (byte) 2, (byte) 3, (byte) 4)));
    String longest = "x".repeat(255);
    assertRoundTrip(P, new Texts("y".repeat(65535), longest, "z".repeat(70000), Bytes.of(new byte[65535]),
        Bytes.of(new byte[255]), Bytes.of(new byte[4])));
  }

  public static void everyEnumConstantAndFlagsEmptyAndFull() throws Exception {
    for (Small small : Small.values()) {
      for (Wide wide : Wide.values()) {
        assertRoundTrip(P, new Choices(small, wide, EnumSet.noneOf(Bits8.class), EnumSet.allOf(Bits64.class),
            Optional.of(small), Optional.empty()));
        assertRoundTrip(P, new Choices(small, wide, EnumSet.allOf(Bits8.class), EnumSet.noneOf(Bits64.class),
            Optional.empty(), Optional.of(EnumSet.of(Bits8.B7))));
      }
    }
    assertEquals(4294967295L, Wide.TOP.value());
    assertEquals(Wide.TOP, Wide.fromValue(4294967295L));
    assertEquals(-128, Small.MIN.value());
    assertEquals(0x8000000000000001L, Bits64.toBits(EnumSet.allOf(Bits64.class)));
    assertEquals(EnumSet.allOf(Bits64.class), Bits64.fromBits(0x8000000000000001L));
    assertThrows(IllegalArgumentException.class, () -> Small.fromValue(5));
    assertThrows(IllegalArgumentException.class, () -> Wide.fromValue(-1));
    assertThrows(IllegalArgumentException.class, () -> Bits8.fromBits(2));
  }

  public static void listsEmptyLargeAndNested() throws Exception {
    assertRoundTrip(P, report(List.of(), List.of(), 0));
    List<Step> plan = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      plan.add(new Step(i, new At(i * 0.5, -i)));
    }
    List<List<Integer>> grid = List.of(List.of(), List.of(1, -2, Integer.MIN_VALUE), Collections.nCopies(300, 9));
    assertRoundTrip(P, report(plan, grid, 255));
    assertRoundTrip(P, new Empty());
  }

  static Report report(List<Step> plan, List<List<Integer>> grid, int tags) {
    List<String> tagList = new ArrayList<>();
    for (int i = 0; i < tags; i++) {
      tagList.add("t" + i);
    }
    return new Report("r", plan, plan.isEmpty() ? Optional.empty() : Optional.of(new At(1, 2)),
        plan.isEmpty() ? Optional.empty() : Optional.of(-1L), grid, tagList, List.of(true, false),
        List.of(Small.MIN, Small.MAX), List.of(Bytes.of((byte) 1, (byte) 2)));
  }

  public static void recordsAreImmutable() {
    List<Step> plan = new ArrayList<>(List.of(new Step(1, new At(0, 0))));
    EnumSet<Bits8> bits = EnumSet.of(Bits8.B0);
    Report report = report(plan, List.of(), 1);
    plan.clear();
    assertEquals(1, report.plan().size(), "the record copied the list");
    assertThrows(UnsupportedOperationException.class, () -> report.plan().add(null));
    Choices choices = new Choices(Small.ZERO, Wide.NONE, bits, EnumSet.noneOf(Bits64.class),
        Optional.empty(), Optional.empty());
    bits.add(Bits8.B7);
    choices.bits8().add(Bits8.B7);
    assertEquals(EnumSet.of(Bits8.B0), choices.bits8(), "neither the caller's set nor the accessor's copy reach the record");
  }

  public static void constructorsRejectWhatTheWireCannotCarry() {
    assertThrows(IllegalArgumentException.class,
        () -> new Numbers(256, 0, 0, 0, (byte) 0, (short) 0, 0, 0, 0f, 0d, false), "u8 above 255");
    assertThrows(IllegalArgumentException.class,
        () -> new Numbers(0, -1, 0, 0, (byte) 0, (short) 0, 0, 0, 0f, 0d, false), "negative u16");
    assertThrows(IllegalArgumentException.class,
        () -> new Numbers(0, 0, 1L << 32, 0, (byte) 0, (short) 0, 0, 0, 0f, 0d, false), "u32 above max");
    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
        () -> new Texts("", "é".repeat(128), "", Bytes.empty(), Bytes.empty(), Bytes.of(new byte[4])));
    assertEquals("shortText takes 256 bytes of UTF-8, more than its u8 length allows (255)", tooLong.getMessage());
    // An unpaired surrogate has no UTF-8 form: a short string is refused when it is encoded (its
    // size fits without a scan), a long one already when its size is measured at construction.
    Texts lone = new Texts("\uD800", "", "", Bytes.empty(), Bytes.empty(), Bytes.of(new byte[4]));
    IllegalArgumentException surrogate = assertThrows(IllegalArgumentException.class, () -> P.encodedSize(lone));
    assertEquals("string has an unpaired surrogate at index 0, which UTF-8 cannot carry", surrogate.getMessage());
    assertThrows(IllegalArgumentException.class, () -> P.encode(lone, ByteBuffer.allocate(100)));
    assertThrows(IllegalArgumentException.class,
        () -> new Texts("a".repeat(30_000) + "\uD800", "", "", Bytes.empty(), Bytes.empty(), Bytes.of(new byte[4])),
        "unpaired surrogate in a string long enough to be measured");
    IllegalArgumentException quad = assertThrows(IllegalArgumentException.class,
        () -> new Texts("", "", "", Bytes.empty(), Bytes.empty(), Bytes.of(new byte[3])));
    assertEquals("quad must have exactly 4 bytes, not 3", quad.getMessage());
    NullPointerException nullText = assertThrows(NullPointerException.class,
        () -> new Texts(null, "", "", Bytes.empty(), Bytes.empty(), Bytes.of(new byte[4])));
    assertEquals("text", nullText.getMessage());
    List<String> tooMany = Collections.nCopies(256, "t");
    IllegalArgumentException tags = assertThrows(IllegalArgumentException.class, () -> new Report("r", List.of(),
        Optional.empty(), Optional.empty(), List.of(), tooMany, List.of(), List.of(), List.of()));
    assertEquals("tags has 256 elements, more than its u8 count allows (255)", tags.getMessage());
    IllegalArgumentException element = assertThrows(IllegalArgumentException.class, () -> new Report("r",
        List.of(), Optional.empty(), Optional.empty(), List.of(), List.of("x".repeat(256)), List.of(), List.of(), List.of()));
    assertEquals("tags[0] takes 256 bytes of UTF-8, more than its u8 length allows (255)", element.getMessage());
    List<Step> withNull = new ArrayList<>();
    withNull.add(null);
    NullPointerException nullElement = assertThrows(NullPointerException.class, () -> new Report("r",
        withNull, Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(), List.of(), List.of()));
    assertEquals("plan[0]", nullElement.getMessage());
  }
}
