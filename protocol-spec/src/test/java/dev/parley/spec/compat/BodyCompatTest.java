package dev.parley.spec.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compatibility rules of the body encodings of existing protocols (SPEC.md 11.2 and 13): a
 * change of where data ends, of a bit field's place, of a union's cases or of an extern's codec
 * changes bytes; a rename of a bit field, a new union case under a default, or an extern's new
 * Java type does not.
 */
class BodyCompatTest {

  @TempDir
  Path dir;

  private Compat compat;

  @BeforeEach
  void setUp() {
    compat = new Compat(dir);
  }

  /** Compares OLD with NEW and returns the printed findings, after checking the error count. */
  private String findings(String oldBody, String newBody, long errors) {
    CompatReport report = compat.compare("package p;\n" + oldBody, "package p;\n" + newBody);
    String printed = compat.format(report);
    assertEquals(errors, report.errorCount(), printed);
    return printed;
  }

  @Test
  void sameBodiesHaveNothingToSay() {
    String body = """
        enum Kind : u16 { A = 1; TXT = 16; }
        bits Flags : u8 { bool on; u7 level; }
        struct Address { bytes[4] ip; }
        struct Text { list<string<u8>, rest> strings; }
        union Rdata : Kind { A = Address; TXT = Text; default = bytes; }
        struct Param { string<nul> name; string<nul> value; }
        message M = 1 {
          Flags flags;
          u8 n;
          string<n> key;
          list<Param, until ""> params;
          list<nullable bytes<i32>, i16> columns;
          Kind kind;
          u16 length;
          Rdata<kind, length> rdata;
          bytes<rest> tail;
        }
        """;
    assertEquals("", findings(body, body, 0));
  }

  @Test
  void whereDataEndsIsItsBytes() {
    assertTrue(findings("message M = 1 { string<nul> s; }", "message M = 1 { string s; }", 1)
        .contains("error"));
    findings("message M = 1 { list<u8, until 0> l; }", "message M = 1 { list<u8, until 1> l; }", 1);
    findings("message M = 1 { nullable bytes<i32> b; }", "message M = 1 { bytes<i32> b; }", 1);
    findings("message M = 1 { list<u8, i16> l; }", "message M = 1 { list<u8, u16> l; }", 1);
    findings("message M = 1 { u8 n; string<n> s; }", "message M = 1 { u16 n; string<n> s; }", 2);
  }

  @Test
  void aBitFieldMovedIsAnErrorAndRenamedAWarning() {
    String moved = findings("bits F : u8 { bool on; u7 level; } message M = 1 { F f; }",
        "bits F : u8 { u7 level; bool on; } message M = 1 { F f; }", 2);
    assertTrue(moved.contains("bit field 1 of bits 'F' is now u7 level at bit 1 (was bool on at bit 7"), moved);
    String renamed = findings("bits F : u8 { bool on; u7 level; } message M = 1 { F f; }",
        "bits F : u8 { bool enabled; u7 level; } message M = 1 { F f; }", 0);
    assertTrue(renamed.contains("is now named 'enabled'"), renamed);
    findings("bits F : u8 { bool on; u7 level; } message M = 1 { F f; }",
        "bits F : u16 { bool on; u15 level; } message M = 1 { F f; }", 1);
  }

  @Test
  void aUnionKeepsItsCasesAndItsDefault() {
    String base = "struct A { u8 x; } struct B { u16 y; } ";
    String added = findings(base + "union U : u8 { 1 = A; default = bytes; } message M = 1 { u8 k; U<k> u; }",
        base + "union U : u8 { 1 = A; 2 = B; default = bytes; } message M = 1 { u8 k; U<k> u; }", 0);
    assertTrue(added.contains("an old reader keeps its bytes raw"), added);
    String strict = findings(base + "union U : u8 { 1 = A; } message M = 1 { u8 k; U<k> u; }",
        base + "union U : u8 { 1 = A; 2 = B; } message M = 1 { u8 k; U<k> u; }", 0);
    assertTrue(strict.contains("an old reader rejects a frame that holds it"), strict);
    String removed = findings(base + "union U : u8 { 1 = A; 2 = B; } message M = 1 { u8 k; U<k> u; }",
        base + "union U : u8 { 1 = A; } message M = 1 { u8 k; U<k> u; }", 1);
    assertTrue(removed.contains("case 2 of union 'U' was removed"), removed);
    String retyped = findings(base + "union U : u8 { 1 = A; } message M = 1 { u8 k; U<k> u; }",
        base + "union U : u8 { 1 = B; } message M = 1 { u8 k; U<k> u; }", 1);
    assertTrue(retyped.contains("case 1 of union 'U' is now B, of other bytes"), retyped);
    findings(base + "union U : u8 { 1 = A; default = bytes; } message M = 1 { u8 k; U<k> u; }",
        base + "union U : u8 { 1 = A; } message M = 1 { u8 k; U<k> u; }", 1);
  }

  @Test
  void anExternKeepsItsBytesWhileItsCodecDoes() {
    String old = "extern N { java_type = \"a.N\"; codec = \"a.NCodec\"; } message M = 1 { N n; }";
    findings(old, "extern N { java_type = \"a.N\"; codec = \"b.OtherCodec\"; } message M = 1 { N n; }", 1);
    String javaType = findings(old, "extern N { java_type = \"b.N\"; codec = \"a.NCodec\"; } message M = 1 { N n; }", 0);
    assertTrue(javaType.contains("another Java type"), javaType);
  }
}
