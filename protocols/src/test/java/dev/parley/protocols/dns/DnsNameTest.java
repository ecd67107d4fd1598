package dev.parley.protocols.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DnsName}: what a name may hold, its text form, and how case compares. */
class DnsNameTest {

  @Test
  void printsDottedWithATrailingDot() {
    assertEquals("www.parley.test.", DnsName.of("www", "parley", "test").toString());
    assertEquals(".", DnsName.ROOT.toString());
    assertTrue(DnsName.ROOT.isRoot());
    assertEquals(1, DnsName.ROOT.wireLength());
    assertEquals(17, DnsName.of("www", "parley", "test").wireLength());
  }

  @Test
  void parsesWithOrWithoutTheTrailingDot() {
    assertEquals(DnsName.of("www", "parley", "test"), DnsName.parse("www.parley.test."));
    assertEquals(DnsName.of("www", "parley", "test"), DnsName.parse("www.parley.test"));
    assertEquals(DnsName.ROOT, DnsName.parse("."));
  }

  @Test
  void escapesDotsBackslashesAndOctetsOutsidePrintableAscii() {
    DnsName name = DnsName.of("a.b", "c\\d", "e f", "\u0000\u00ff");
    assertEquals("a\\.b.c\\\\d.e\\032f.\\000\\255.", name.toString());
    assertEquals(name, DnsName.parse(name.toString()));
    assertEquals(DnsName.of("A", "x"), DnsName.parse("\\065.\\x"));
  }

  @Test
  void refusesBadText() {
    for (String text : List.of("", "a..b", ".a", "..", "a\\", "a\\25", "a\\256", "caf\u00e9.test", "a b")) {
      assertThrows(IllegalArgumentException.class, () -> DnsName.parse(text), text);
    }
  }

  @Test
  void takesLabelsOf1To63Bytes() {
    assertEquals(63, DnsName.of("x".repeat(63)).labels().get(0).length());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DnsName.of("x".repeat(64)));
    assertEquals("label 0 of a DNS name takes 64 bytes: a label takes 1 to 63", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DnsName.of("www", ""));
  }

  @Test
  void takesAtMost255BytesOnTheWire() {
    String l63 = "x".repeat(63);
    DnsName longest = DnsName.of(l63, l63, l63, "x".repeat(61));
    assertEquals(255, longest.wireLength());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DnsName.of(l63, l63, l63, "x".repeat(62)));
    assertEquals("a DNS name of 4 labels takes 256 bytes on the wire, more than 255", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DnsName.parse("a.".repeat(128)));
    assertEquals(255, DnsName.parse("a.".repeat(127)).wireLength());
  }

  @Test
  void refusesCharactersThatAreNotOctets() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DnsName.of("caf\u0229"));
    assertTrue(e.getMessage().contains("U+0229 at index 3"), e.getMessage());
    assertThrows(NullPointerException.class, () -> new DnsName(null));
    assertThrows(NullPointerException.class, () -> DnsName.of("a", null));
  }

  @Test
  void copiesItsLabels() {
    List<String> labels = new ArrayList<>(List.of("www", "parley"));
    DnsName name = new DnsName(labels);
    labels.add("test");
    assertEquals(List.of("www", "parley"), name.labels());
    assertThrows(UnsupportedOperationException.class, () -> name.labels().add("x"));
  }

  @Test
  void keepsCaseButComparesWithoutItWhenAsked() {
    DnsName upper = DnsName.parse("WWW.Parley.TEST.");
    DnsName lower = DnsName.parse("www.parley.test.");
    assertEquals("WWW.Parley.TEST.", upper.toString());
    assertNotEquals(lower, upper);
    assertTrue(upper.equalsIgnoreCase(lower));
    assertFalse(DnsName.of("\u00c0").equalsIgnoreCase(DnsName.of("\u00e0")), "only ASCII letters fold (RFC 4343)");
    assertFalse(lower.equalsIgnoreCase(DnsName.parse("www.parley.")));
  }
}
