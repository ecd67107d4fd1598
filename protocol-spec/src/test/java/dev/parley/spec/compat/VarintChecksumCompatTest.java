package dev.parley.spec.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compatibility rules of variable-length integers and checksums (SPEC.md 13.11, 13.12, 11.2):
 * a wider varint keeps every old value's bytes and is a warning; a narrower one, or another kind of
 * integer, is an error; a checksum's algorithm and span are its bytes, and adding one breaks old
 * writers' frames. Each case pins the diagnostics as printed.
 */
class VarintChecksumCompatTest {

  @TempDir
  Path dir;

  private Compat compat;

  @BeforeEach
  void setUp() {
    compat = new Compat(dir);
  }

  private CompatReport assertFindings(String oldText, String newText, String expected) {
    CompatReport report = compat.compare(oldText, newText);
    assertEquals(expected, compat.format(report));
    return report;
  }

  // ---- Varints ------------------------------------------------------------------------------

  @Test
  void aWiderVarintIsAWarningThatNamesTheValuesOldReadersRefuseAndTheNewJavaType() {
    CompatReport report = assertFindings("""
        package p;
        message Publish = 1 { varint<4> size; }
        """, """
        package p;
        message Publish = 1 { varint<5> size; }
        """, """
        new/chat.parley:2:33: warning: field 'size' of message 'Publish' is now varint<5> (was varint<4> at old/chat.parley:2:33): every old value keeps its bytes, but an old reader refuses a value above 268435455 that a new writer sends; its Java type is now long (was int)
        message Publish = 1 { varint<5> size; }
                                        ^""");
    assertTrue(report.isCompatible());
  }

  @Test
  void aWiderVarintOfTheSameJavaTypeSaysNothingOfJava() {
    assertFindings("""
        package p;
        message Publish = 1 { varint<1> size; }
        """, """
        package p;
        message Publish = 1 { varint<2> size; }
        """, """
        new/chat.parley:2:33: warning: field 'size' of message 'Publish' is now varint<2> (was varint<1> at old/chat.parley:2:33): every old value keeps its bytes, but an old reader refuses a value above 127 that a new writer sends
        message Publish = 1 { varint<2> size; }
                                        ^""");
  }

  @Test
  void aWiderZigzagNamesTheRangeOldReadersTake() {
    assertFindings("""
        package p;
        message Publish = 1 { zigzag<4> delta; }
        """, """
        package p;
        message Publish = 1 { zigzag<10> delta; }
        """, """
        new/chat.parley:2:34: warning: field 'delta' of message 'Publish' is now zigzag<10> (was zigzag<4> at old/chat.parley:2:33): every old value keeps its bytes, but an old reader refuses a value outside -134217728 to 134217727 that a new writer sends; its Java type is now long (was int)
        message Publish = 1 { zigzag<10> delta; }
                                         ^""");
  }

  @Test
  void aNarrowerVarintIsAnError() {
    CompatReport report = assertFindings("""
        package p;
        message Publish = 1 { varint<5> size; }
        """, """
        package p;
        message Publish = 1 { varint<4> size; }
        """, """
        new/chat.parley:2:33: error: field 'size' of message 'Publish' is now varint<4> (was varint<5> at old/chat.parley:2:33)
        message Publish = 1 { varint<4> size; }
                                        ^""");
    assertFalse(report.isCompatible());
  }

  @Test
  void aVarintThatBecomesAZigzagOrAFixedWidthIntegerIsAnError() {
    assertFindings("""
        package p;
        message Publish = 1 { varint<4> size; varint<4> id; }
        """, """
        package p;
        message Publish = 1 { zigzag<4> size; u32 id; }
        """, """
        new/chat.parley:2:33: error: field 'size' of message 'Publish' is now zigzag<4> (was varint<4> at old/chat.parley:2:33)
        message Publish = 1 { zigzag<4> size; u32 id; }
                                        ^
        new/chat.parley:2:43: error: field 'id' of message 'Publish' is now u32 (was varint<4> at old/chat.parley:2:49)
        message Publish = 1 { zigzag<4> size; u32 id; }
                                                  ^""");
  }

  @Test
  void widerVarintLengthsCountsAndElementsAreWarnings() {
    CompatReport report = assertFindings("""
        package p;
        message Publish = 1 { string<varint<1>> topic; list<varint<4>, varint<1>> ids; }
        """, """
        package p;
        message Publish = 1 { string<varint<2>> topic; list<varint<5>, varint<2>> ids; }
        """, """
        new/chat.parley:2:41: warning: field 'topic' of message 'Publish' is now string<varint<2>> (was string<varint<1>> at old/chat.parley:2:41): every old length keeps its bytes, but an old reader refuses a length above 127 that a new writer sends
        message Publish = 1 { string<varint<2>> topic; list<varint<5>, varint<2>> ids; }
                                                ^
        new/chat.parley:2:75: warning: field 'ids' of message 'Publish' is now list<varint<5>, varint<2>> (was list<varint<4>, varint<1>> at old/chat.parley:2:75): every old count keeps its bytes, but an old reader refuses a count above 127 that a new writer sends; its elements: every old value keeps its bytes, but an old reader refuses a value above 268435455 that a new writer sends; its Java type is now long (was int)
        message Publish = 1 { string<varint<2>> topic; list<varint<5>, varint<2>> ids; }
                                                                                  ^""");
    assertTrue(report.isCompatible());
  }

  @Test
  void aNarrowerVarintLengthIsAnErrorAndAWiderElementAWarning() {
    assertFindings("""
        package p;
        message Publish = 1 { bytes<varint<2>> payload; list<zigzag<4>> deltas; }
        """, """
        package p;
        message Publish = 1 { bytes<varint<1>> payload; list<zigzag<5>> deltas; }
        """, """
        new/chat.parley:2:40: error: field 'payload' of message 'Publish' is now bytes<varint<1>> (was bytes<varint<2>> at old/chat.parley:2:40)
        message Publish = 1 { bytes<varint<1>> payload; list<zigzag<5>> deltas; }
                                               ^
        new/chat.parley:2:65: warning: field 'deltas' of message 'Publish' is now list<zigzag<5>> (was list<zigzag<4>> at old/chat.parley:2:65): its elements: every old value keeps its bytes, but an old reader refuses a value outside -134217728 to 134217727 that a new writer sends; its Java type is now long (was int)
        message Publish = 1 { bytes<varint<1>> payload; list<zigzag<5>> deltas; }
                                                                        ^""");
  }

  @Test
  void aWiderVarintInAStructIsAWarningToo() {
    assertFindings("""
        package p;
        struct Range { varint<2> from; varint<2> to; }
        message Publish = 1 { Range range; }
        """, """
        package p;
        struct Range { varint<2> from; varint<3> to; }
        message Publish = 1 { Range range; }
        """, """
        new/chat.parley:2:42: warning: field 'to' of struct 'Range' is now varint<3> (was varint<2> at old/chat.parley:2:42): every old value keeps its bytes, but an old reader refuses a value above 16383 that a new writer sends
        struct Range { varint<2> from; varint<3> to; }
                                                 ^""");
  }

  // ---- Checksums ----------------------------------------------------------------------------

  @Test
  void anotherChecksumAlgorithmIsAnError() {
    CompatReport report = assertFindings("""
        package p;
        message Log = 1 { u8 a; crc32c<body> crc; }
        """, """
        package p;
        message Log = 1 { u8 a; crc32<body> crc; }
        """, """
        new/chat.parley:2:37: error: field 'crc' of message 'Log' is now crc32<body> (was crc32c<body> at old/chat.parley:2:38)
        message Log = 1 { u8 a; crc32<body> crc; }
                                            ^""");
    assertFalse(report.isCompatible());
  }

  @Test
  void anotherChecksumSpanIsAnError() {
    assertFindings("""
        package p;
        message Log = 1 { u8 a; crc32<body> crc; }
        """, """
        package p;
        message Log = 1 { u8 a; crc32<a> crc; }
        """, """
        new/chat.parley:2:34: error: field 'crc' of message 'Log' is now crc32<a> (was crc32<body> at old/chat.parley:2:37)
        message Log = 1 { u8 a; crc32<a> crc; }
                                         ^""");
  }

  @Test
  void aChecksumAddedIsAnErrorThatNoSinceCouldMend() {
    assertFindings("""
        package p;
        message Ping = 1 { u8 a; }
        """, """
        package p;
        message Ping = 1 { u8 a; crc32<body> crc; }
        """, """
        new/chat.parley:2:38: error: checksum 'crc' was added to message 'Ping' (the old message at old/chat.parley:2:9 has none): new readers refuse the frames of old writers, which end before it
        message Ping = 1 { u8 a; crc32<body> crc; }
                                             ^""");
  }

  @Test
  void aChecksumRemovedIsARemovedField() {
    assertFindings("""
        package p;
        message Ping = 1 { u8 a; crc32<body> crc; }
        """, """
        package p;
        message Ping = 1 { u8 a; }
        """, """
        new/chat.parley:2:9: error: field 'crc' of message 'Ping' was removed (was crc32<body> at old/chat.parley:2:38)
        message Ping = 1 { u8 a; }
                ^""");
  }

  @Test
  void aFieldBeforeAChecksumIsInsertedAndTheMessageNeverGrows() {
    assertFindings("""
        package p;
        message Ping = 1 { u8 a; crc32<body> crc; }
        """, """
        package p;
        message Ping = 1 { u8 a; u8 b; crc32<body> crc; }
        """, """
        new/chat.parley:2:29: error: field 'b' of message 'Ping' was inserted as field 2 (the old message at old/chat.parley:2:9 had 2 fields): a message that ends with a checksum never grows: no field may follow it, and one before it moves it
        message Ping = 1 { u8 a; u8 b; crc32<body> crc; }
                                    ^""");
  }
}
