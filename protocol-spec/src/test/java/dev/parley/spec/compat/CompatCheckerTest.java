package dev.parley.spec.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableList;
import dev.parley.spec.Diagnostic;
import dev.parley.spec.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * One case per rule of SPEC.md section 11: each compares two versions of a small schema and pins
 * every diagnostic exactly as printed, with its source line and caret, so both the wording and
 * the place it points to in NEW are fixed.
 */
class CompatCheckerTest {

  @TempDir
  Path dir;

  private Compat compat;

  @BeforeEach
  void setUp() {
    compat = new Compat(dir);
  }

  private void assertFindings(String oldText, String newText, String expected) {
    assertEquals(expected, compat.format(compat.compare(oldText, newText)));
  }

  private void assertFindings(List<String> oldFiles, List<String> newFiles, String expected) {
    assertEquals(expected, compat.format(compat.compare(oldFiles, newFiles)));
  }

  // ---- The report ---------------------------------------------------------------------------

  @Test
  void identicalSchemasAreCompatibleWithNothingToSay() {
    String text = """
        package chat;
        /** Doc. */
        struct Point { i32 x; i32 y; }
        enum Mood : u8 { CALM = 1; }
        message Join = 1 { Point at; Mood mood; @since(2) optional string status; }
        """;
    CompatReport report = compat.compare(text, text);
    assertEquals(List.of(), report.diagnostics());
    assertTrue(report.isCompatible());
  }

  @Test
  void reportCountsBySeverityAndIsCompatibleOnlyWithoutErrors() {
    CompatReport report = compat.compare("""
        package chat;
        enum Mood : u8 { CALM = 1; }
        message Join = 1 { u32 user; Mood mood; }
        """, """
        package chat;
        enum Mood : u8 { CALM = 1; HAPPY = 2; }
        message Join = 1 { u64 user; Mood mood; }
        """);
    assertEquals(1, report.errorCount());
    assertEquals(1, report.warningCount());
    assertEquals(1, report.noteCount());
    assertFalse(report.isCompatible());
    assertEquals(report.diagnostics().stream().sorted(Comparator.comparing(Diagnostic::location)
        .thenComparing(Diagnostic::severity)).toList(), report.diagnostics());
  }

  @Test
  void safeChangesAloneAreCompatible() {
    CompatReport report = compat.compare("""
        package chat;
        message Join = 1 { u32 user; }
        """, """
        package chat;
        message Join = 1 { u32 user; @since(2) optional string status; }
        message Leave = 2 { u32 user; }
        """);
    assertTrue(report.isCompatible());
    assertEquals(2, report.noteCount());
  }

  @Test
  void newSchemaWithoutFilesIsRefused() {
    Schema schema = compat.load("old", List.of("chat.parley", "package chat;\n"));
    assertThrows(IllegalArgumentException.class,
        () -> CompatChecker.compare(schema, new Schema(ImmutableList.of())));
  }

  // ---- Messages -----------------------------------------------------------------------------

  @Nested
  class Messages {

    @Test
    void removedMessageIsAnErrorAtThePackageLine() {
      assertFindings("""
          package chat;
          message Join = 1 { u32 user; }
          message Leave = 2 { u32 user; }
          """, """
          package chat;
          message Join = 1 { u32 user; }
          """, """
          new/chat.parley:1:9: error: message 'Leave' was removed (was id 2 at old/chat.parley:3:9)
          package chat;
                  ^""");
    }

    @Test
    void messageWithTheSameIdAndAnotherNameWasRenamed() {
      assertFindings("""
          package chat;
          message Leave = 2 { u32 user; }
          """, """
          package chat;
          message Part = 2 { u32 user; }
          """, """
          new/chat.parley:2:9: error: message id 2 is now named 'Part' (was 'Leave' at old/chat.parley:2:9)
          message Part = 2 { u32 user; }
                  ^""");
    }

    @Test
    void renamedMessageStillHasItsFieldsCompared() {
      assertFindings("""
          package chat;
          message Leave = 2 { u32 user; }
          """, """
          package chat;
          message Part = 2 { u16 user; }
          """, """
          new/chat.parley:2:9: error: message id 2 is now named 'Part' (was 'Leave' at old/chat.parley:2:9)
          message Part = 2 { u16 user; }
                  ^
          new/chat.parley:2:24: error: field 'user' of message 'Part' is now u16 (was u32 at old/chat.parley:2:25)
          message Part = 2 { u16 user; }
                                 ^""");
    }

    @Test
    void changedIdIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 { }
          """, """
          package chat;
          message Join = 7 { }
          """, """
          new/chat.parley:2:9: error: message 'Join' now has id 7 (was id 1 at old/chat.parley:2:9)
          message Join = 7 { }
                  ^""");
    }

    @Test
    void idOfAnotherMessageReusedIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 { }
          """, """
          package chat;
          message Join = 2 { }
          message Kick = 1 { }
          """, """
          new/chat.parley:2:9: error: message 'Join' now has id 2 (was id 1 at old/chat.parley:2:9)
          message Join = 2 { }
                  ^
          new/chat.parley:3:9: error: message 'Kick' reuses id 1 (was message 'Join' at old/chat.parley:2:9)
          message Kick = 1 { }
                  ^""");
    }

    @Test
    void messageMovedToAnotherFileChangesProtocol() {
      assertFindings(List.of(
          "chat.parley", "package chat;\nimport \"admin.parley\";\nmessage Join = 1 { }\nmessage Kick = 2 { }\n",
          "admin.parley", "package chat;\nmessage Ban = 1 { }\n"), List.of(
          "chat.parley", "package chat;\nimport \"admin.parley\";\nmessage Join = 1 { }\n",
          "admin.parley", "package chat;\nmessage Ban = 1 { }\nmessage Kick = 2 { }\n"), """
          new/admin.parley:3:9: error: message 'Kick' moved into this file from another protocol (was at old/chat.parley:4:9)
          message Kick = 2 { }
                  ^""");
    }

    @Test
    void newMessageIsANote() {
      assertFindings("""
          package chat;
          message Join = 1 { }
          """, """
          package chat;
          message Join = 1 { }
          message Leave = 2 { u32 user; }
          """, """
          new/chat.parley:3:9: note: new message 'Leave' (id 2)
          message Leave = 2 { u32 user; }
                  ^""");
    }

    @Test
    void changedDocCommentIsANote() {
      assertFindings("""
          package chat;
          /** Enters. */
          message Join = 1 { u32 user; }
          """, """
          package chat;
          /** Enters a room. */
          message Join = 1 {
            /** Who. */
            u32 user;
          }
          """, """
          new/chat.parley:3:9: note: doc comment of message 'Join' changed (was at old/chat.parley:3:9)
          message Join = 1 {
                  ^
          new/chat.parley:5:7: note: doc comment of field 'user' of message 'Join' changed (was at old/chat.parley:3:24)
            u32 user;
                ^""");
    }
  }

  // ---- Fields of messages -------------------------------------------------------------------

  @Nested
  class Fields {

    @Test
    void removedFieldIsAnErrorAtItsMessage() {
      assertFindings("""
          package chat;
          message Join = 1 {
            u32 user;
            optional string status;
          }
          """, """
          package chat;
          message Join = 1 {
            u32 user;
          }
          """, """
          new/chat.parley:2:9: error: field 'status' of message 'Join' was removed (was optional string at old/chat.parley:4:19)
          message Join = 1 {
                  ^""");
    }

    @Test
    void removedFieldsAreListedInFieldOrder() {
      assertFindings("""
          package chat;
          message Join = 1 { u32 user; u8 zone; u8 area; }
          """, """
          package chat;
          message Join = 1 { u32 user; }
          """, """
          new/chat.parley:2:9: error: field 'zone' of message 'Join' was removed (was u8 at old/chat.parley:2:33)
          message Join = 1 { u32 user; }
                  ^
          new/chat.parley:2:9: error: field 'area' of message 'Join' was removed (was u8 at old/chat.parley:2:42)
          message Join = 1 { u32 user; }
                  ^""");
    }

    @Test
    void renamedFieldIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            u32 user;
          }
          """, """
          package chat;
          message Join = 1 {
            u32 member;
          }
          """, """
          new/chat.parley:3:7: error: field 1 of message 'Join' is now named 'member' (was 'user' at old/chat.parley:3:7)
            u32 member;
                ^""");
    }

    @Test
    void reorderedFieldsAreAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            u32 user;
            u32 room;
          }
          """, """
          package chat;
          message Join = 1 {
            u32 room;
            u32 user;
          }
          """, """
          new/chat.parley:4:7: error: field 'user' of message 'Join' is now field 2 (was field 1 at old/chat.parley:3:7)
            u32 user;
                ^""");
    }

    @Test
    void fieldInsertedAmongTheOldOnesIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            u32 user;
            u32 room;
          }
          """, """
          package chat;
          message Join = 1 {
            u32 user;
            optional u8 mode;
            u32 room;
          }
          """, """
          new/chat.parley:4:15: error: field 'mode' of message 'Join' was inserted as field 2 (the old message at old/chat.parley:2:9 had 2 fields): new fields go after the old ones
            optional u8 mode;
                        ^""");
    }

    @Test
    void retypedPrimitiveIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            u32 user;
          }
          """, """
          package chat;
          message Join = 1 {
            i32 user;
          }
          """, """
          new/chat.parley:3:7: error: field 'user' of message 'Join' is now i32 (was u32 at old/chat.parley:3:7)
            i32 user;
                ^""");
    }

    @Test
    void stringLengthPrefixWidthChangeIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            string nick;
          }
          """, """
          package chat;
          message Join = 1 {
            string<u8> nick;
          }
          """, """
          new/chat.parley:3:14: error: field 'nick' of message 'Join' is now string<u8> (was string at old/chat.parley:3:10)
            string<u8> nick;
                       ^""");
    }

    @Test
    void bytesLengthPrefixWidthChangeIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            bytes<u32> avatar;
          }
          """, """
          package chat;
          message Join = 1 {
            bytes avatar;
          }
          """, """
          new/chat.parley:3:9: error: field 'avatar' of message 'Join' is now bytes (was bytes<u32> at old/chat.parley:3:14)
            bytes avatar;
                  ^""");
    }

    @Test
    void listCountPrefixWidthChangeIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            list<u32> tags;
          }
          """, """
          package chat;
          message Join = 1 {
            list<u32, u32> tags;
          }
          """, """
          new/chat.parley:3:18: error: field 'tags' of message 'Join' is now list<u32, u32> (was list<u32> at old/chat.parley:3:13)
            list<u32, u32> tags;
                           ^""");
    }

    @Test
    void listElementTypeChangeIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            list<list<string<u8>>> tags;
          }
          """, """
          package chat;
          message Join = 1 {
            list<list<string>> tags;
          }
          """, """
          new/chat.parley:3:22: error: field 'tags' of message 'Join' is now list<list<string>> (was list<list<string<u8>>> at old/chat.parley:3:26)
            list<list<string>> tags;
                               ^""");
    }

    @Test
    void fixedBytesLengthChangeIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            bytes[16] uuid;
          }
          """, """
          package chat;
          message Join = 1 {
            bytes[32] uuid;
          }
          """, """
          new/chat.parley:3:13: error: field 'uuid' of message 'Join' is now bytes[32] (was bytes[16] at old/chat.parley:3:13)
            bytes[32] uuid;
                      ^""");
    }

    @Test
    void stringBecomingBytesIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            string nick;
          }
          """, """
          package chat;
          message Join = 1 {
            bytes nick;
          }
          """, """
          new/chat.parley:3:9: error: field 'nick' of message 'Join' is now bytes (was string at old/chat.parley:3:10)
            bytes nick;
                  ^""");
    }

    @Test
    void fieldMadeOptionalIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            string nick;
          }
          """, """
          package chat;
          message Join = 1 {
            optional string nick;
          }
          """, """
          new/chat.parley:3:19: error: field 'nick' of message 'Join' is now optional string (was string at old/chat.parley:3:10)
            optional string nick;
                            ^""");
    }

    @Test
    void fieldNoLongerOptionalIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            optional u8 mode;
          }
          """, """
          package chat;
          message Join = 1 {
            u8 mode;
          }
          """, """
          new/chat.parley:3:6: error: field 'mode' of message 'Join' is now u8 (was optional u8 at old/chat.parley:3:15)
            u8 mode;
               ^""");
    }

    @Test
    void enumFieldRetypedToAnEnumOfAnotherWidthIsAnError() {
      assertFindings("""
          package chat;
          enum Mood : u8 { CALM = 1; }
          enum Feeling : u16 { CALM = 1; }
          message Join = 1 { Mood mood; }
          """, """
          package chat;
          enum Mood : u8 { CALM = 1; }
          enum Feeling : u16 { CALM = 1; }
          message Join = 1 { Feeling mood; }
          """, """
          new/chat.parley:4:28: error: field 'mood' of message 'Join' is now Feeling (was Mood at old/chat.parley:4:25)
          message Join = 1 { Feeling mood; }
                                     ^""");
    }

    @Test
    void fieldRetypedToAnotherTypeWithTheSameBytesIsAWarning() {
      assertFindings("""
          package chat;
          struct Point { i32 x; i32 y; }
          enum Mood : u8 { CALM = 1; HAPPY = 2; }
          message Join = 1 { Point at; Mood mood; }
          """, """
          package chat;
          struct Point { i32 x; i32 y; }
          struct Vec2 { i32 dx; i32 dy; }
          enum Mood : u8 { CALM = 1; HAPPY = 2; }
          enum Feeling : u8 { QUIET = 1; GLAD = 2; }
          message Join = 1 { Vec2 at; Feeling mood; }
          """, """
          new/chat.parley:3:8: note: new struct 'Vec2'
          struct Vec2 { i32 dx; i32 dy; }
                 ^
          new/chat.parley:5:6: note: new enum 'Feeling'
          enum Feeling : u8 { QUIET = 1; GLAD = 2; }
               ^
          new/chat.parley:6:25: warning: field 'at' of message 'Join' is now Vec2 (was Point at old/chat.parley:4:26): the same bytes, but another Java type
          message Join = 1 { Vec2 at; Feeling mood; }
                                  ^
          new/chat.parley:6:37: warning: field 'mood' of message 'Join' is now Feeling (was Mood at old/chat.parley:4:35): the same bytes, but another Java type
          message Join = 1 { Vec2 at; Feeling mood; }
                                              ^""");
    }

    @Test
    void fieldRetypedToAStructOfAnotherLayoutIsAnError() {
      assertFindings("""
          package chat;
          struct Point { i32 x; i32 y; }
          message Join = 1 { Point at; }
          """, """
          package chat;
          struct Point { i32 x; i32 y; }
          struct Point3 { i32 x; i32 y; i32 z; }
          message Join = 1 { Point3 at; }
          """, """
          new/chat.parley:3:8: note: new struct 'Point3'
          struct Point3 { i32 x; i32 y; i32 z; }
                 ^
          new/chat.parley:4:27: error: field 'at' of message 'Join' is now Point3 (was Point at old/chat.parley:3:26)
          message Join = 1 { Point3 at; }
                                    ^""");
    }

    @Test
    void typesOfOneSimpleNameAreToldApartByQualifiedName() {
      assertFindings(List.of(
          "chat.parley", "package chat;\nimport \"a.parley\";\nimport \"b.parley\";\nmessage Join = 1 { a.Point at; }\n",
          "a.parley", "package a;\nstruct Point { i32 x; }\n",
          "b.parley", "package b;\nstruct Point { i64 x; }\n"), List.of(
          "chat.parley", "package chat;\nimport \"b.parley\";\nimport \"a.parley\";\nmessage Join = 1 { b.Point at; }\n",
          "a.parley", "package a;\nstruct Point { i32 x; }\n",
          "b.parley", "package b;\nstruct Point { i64 x; }\n"), """
          new/chat.parley:4:28: error: field 'at' of message 'Join' is now b.Point (was a.Point at old/chat.parley:4:28)
          message Join = 1 { b.Point at; }
                                     ^""");
    }

    @Test
    void appendedSinceFieldsAreNotes() {
      assertFindings("""
          package chat;
          message Join = 1 {
            u32 user;
            @since(2) u8 retries = 3;
          }
          """, """
          package chat;
          message Join = 1 {
            u32 user;
            @since(2) u8 retries = 3;
            @since(3) optional string status;
            @since(4) u16 port = 80;
          }
          """, """
          new/chat.parley:5:29: note: field 'status' was added to message 'Join' in version 3
            @since(3) optional string status;
                                      ^
          new/chat.parley:6:17: note: field 'port' was added to message 'Join' in version 4
            @since(4) u16 port = 80;
                          ^""");
    }

    @Test
    void optionalFieldAddedWithoutSinceIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            u32 user;
          }
          """, """
          package chat;
          message Join = 1 {
            u32 user;
            optional string status;
          }
          """, """
          new/chat.parley:4:19: error: field 'status' was added to message 'Join' without @since (the old message at old/chat.parley:2:9 is version 1): mark it @since(2)
            optional string status;
                            ^""");
    }

    @Test
    void nonOptionalFieldAddedWithoutSinceOrDefaultIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            u32 user;
          }
          """, """
          package chat;
          message Join = 1 {
            u32 user;
            u8 retries;
          }
          """, """
          new/chat.parley:4:6: error: field 'retries' was added to message 'Join' without @since or a default (the old message at old/chat.parley:2:9 is version 1): mark it @since(2) and give it a default, or make it optional
            u8 retries;
               ^""");
    }

    @Test
    void addedFieldOfATypeWithoutDefaultsIsToldToBeOptional() {
      assertFindings("""
          package chat;
          struct Point { i32 x; }
          message Join = 1 { u32 user; }
          """, """
          package chat;
          struct Point { i32 x; }
          message Join = 1 { u32 user; Point at; }
          """, """
          new/chat.parley:3:36: error: field 'at' was added to message 'Join' without @since or a default (the old message at old/chat.parley:3:9 is version 1): mark it @since(2) and make it optional (a Point takes no default)
          message Join = 1 { u32 user; Point at; }
                                             ^""");
    }

    @Test
    void addedFieldWithAVersionTheOldMessageAlreadyHadIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            u32 user;
            @since(3) optional u8 mode;
          }
          """, """
          package chat;
          message Join = 1 {
            u32 user;
            @since(3) optional u8 mode;
            @since(3) optional string status;
          }
          """, """
          new/chat.parley:5:29: error: field 'status' was added to message 'Join' with @since(3), but the old message at old/chat.parley:2:9 is already version 3: mark it @since(4)
            @since(3) optional string status;
                                      ^""");
    }

    @Test
    void droppedSinceIsAnError() {
      assertFindings("""
          package chat;
          message Join = 1 {
            u32 user;
            @since(2) optional u8 mode;
          }
          """, """
          package chat;
          message Join = 1 {
            u32 user;
            optional u8 mode;
          }
          """, """
          new/chat.parley:4:15: error: field 'mode' of message 'Join' lost its @since (was @since(2) at old/chat.parley:4:25): frames from writers older than version 2 end before it
            optional u8 mode;
                        ^""");
    }

    @Test
    void changedSinceVersionIsAWarning() {
      assertFindings("""
          package chat;
          message Join = 1 {
            u32 user;
            @since(2) optional u8 mode;
          }
          """, """
          package chat;
          message Join = 1 {
            @since(2) u32 user = 0;
            @since(3) optional u8 mode;
          }
          """, """
          new/chat.parley:3:17: warning: field 'user' of message 'Join' is now @since(2) (was without @since at old/chat.parley:3:7)
            @since(2) u32 user = 0;
                          ^
          new/chat.parley:4:25: warning: field 'mode' of message 'Join' is now @since(3) (was @since(2) at old/chat.parley:4:25)
            @since(3) optional u8 mode;
                                  ^""");
    }

    @Test
    void changedDefaultIsAWarning() {
      assertFindings("""
          package chat;
          enum Level : u8 { LOW = 1; HIGH = 2; }
          message Join = 1 {
            u32 user;
            @since(2) u8 retries = 3;
            @since(2) string motto = "hi";
            @since(2) Level level = HIGH;
          }
          """, """
          package chat;
          enum Level : u8 { LOW = 1; TOP = 2; }
          message Join = 1 {
            u32 user;
            @since(2) u8 retries = 5;
            @since(2) string motto = "h\\"i\\n";
            @since(2) Level level = TOP;
          }
          """, """
          new/chat.parley:2:28: warning: value 2 of enum 'Level' is now named 'TOP' (was 'HIGH' at old/chat.parley:2:28): the same bytes, but another Java name
          enum Level : u8 { LOW = 1; TOP = 2; }
                                     ^
          new/chat.parley:5:16: warning: default of field 'retries' of message 'Join' is now 5 (was 3 at old/chat.parley:5:16): readers fill in another value for frames from older writers
            @since(2) u8 retries = 5;
                         ^
          new/chat.parley:6:20: warning: default of field 'motto' of message 'Join' is now "h\\"i\\n" (was "hi" at old/chat.parley:6:20): readers fill in another value for frames from older writers
            @since(2) string motto = "h\\"i\\n";
                             ^""");
    }
  }

  // ---- Structs --------------------------------------------------------------------------------

  @Nested
  class Structs {

    @Test
    void changedFieldOfACarriedStructIsAnErrorNamingTheMessages() {
      assertFindings("""
          package chat;
          struct Point { i32 x; i32 y; }
          struct Line { Point a; Point b; }
          message Join = 1 { Point at; }
          message Draw = 2 { list<Line> lines; }
          """, """
          package chat;
          struct Point { i32 x; i64 y; }
          struct Line { Point a; Point b; }
          message Join = 1 { Point at; }
          message Draw = 2 { list<Line> lines; }
          """, """
          new/chat.parley:2:27: error: field 'y' of struct 'Point' is now i64 (was i32 at old/chat.parley:2:27); carried by messages Draw, Join
          struct Point { i32 x; i64 y; }
                                    ^""");
    }

    @Test
    void fieldAddedToACarriedStructIsAnError() {
      assertFindings("""
          package chat;
          struct Point { i32 x; i32 y; }
          message Join = 1 { optional Point at; }
          """, """
          package chat;
          struct Point { i32 x; i32 y; optional i32 z; }
          message Join = 1 { optional Point at; }
          """, """
          new/chat.parley:2:43: error: field 'z' was added to struct 'Point' (the old struct at old/chat.parley:2:8 had 2 fields): structs never evolve; carried by message Join
          struct Point { i32 x; i32 y; optional i32 z; }
                                                    ^""");
    }

    @Test
    void fieldRemovedFromACarriedStructIsAnError() {
      assertFindings("""
          package chat;
          struct Point { i32 x; i32 y; }
          message Join = 1 { Point at; }
          """, """
          package chat;
          struct Point { i32 x; }
          message Join = 1 { Point at; }
          """, """
          new/chat.parley:2:8: error: field 'y' of struct 'Point' was removed (was i32 at old/chat.parley:2:27); carried by message Join
          struct Point { i32 x; }
                 ^""");
    }

    @Test
    void renamedAndReorderedStructFieldsAreErrors() {
      assertFindings("""
          package chat;
          struct Point { i32 x; i32 y; i32 z; }
          message Join = 1 { Point at; }
          """, """
          package chat;
          struct Point { i32 y; i32 x; i32 depth; }
          message Join = 1 { Point at; }
          """, """
          new/chat.parley:2:27: error: field 'x' of struct 'Point' is now field 2 (was field 1 at old/chat.parley:2:20); carried by message Join
          struct Point { i32 y; i32 x; i32 depth; }
                                    ^
          new/chat.parley:2:34: error: field 3 of struct 'Point' is now named 'depth' (was 'z' at old/chat.parley:2:34); carried by message Join
          struct Point { i32 y; i32 x; i32 depth; }
                                           ^""");
    }

    @Test
    void changeToAStructNoMessageCarriesIsAWarning() {
      assertFindings("""
          package chat;
          struct Point { i32 x; i32 y; }
          message Join = 1 { u32 user; }
          """, """
          package chat;
          struct Point { i32 x; i32 y; i32 z; }
          message Join = 1 { u32 user; }
          """, """
          new/chat.parley:2:34: warning: field 'z' was added to struct 'Point' (the old struct at old/chat.parley:2:8 had 2 fields): structs never evolve; no message carries it
          struct Point { i32 x; i32 y; i32 z; }
                                           ^""");
    }

    @Test
    void structCarriedOnlyByAFieldThatChangedTypeGivesAWarningBesideThatError() {
      assertFindings("""
          package chat;
          struct Point { i32 x; }
          message Join = 1 { Point at; }
          """, """
          package chat;
          struct Point { i64 x; }
          message Join = 1 { u8 at; }
          """, """
          new/chat.parley:2:20: warning: field 'x' of struct 'Point' is now i64 (was i32 at old/chat.parley:2:20); no message carries it
          struct Point { i64 x; }
                             ^
          new/chat.parley:3:23: error: field 'at' of message 'Join' is now u8 (was Point at old/chat.parley:3:26)
          message Join = 1 { u8 at; }
                                ^""");
    }

    @Test
    void removedStructIsAWarningAtThePackageLine() {
      assertFindings("""
          package chat;
          struct Point { i32 x; }
          message Join = 1 { u32 user; }
          """, """
          package chat;
          message Join = 1 { u32 user; }
          """, """
          new/chat.parley:1:9: warning: struct 'Point' was removed (was at old/chat.parley:2:8)
          package chat;
                  ^""");
    }

    @Test
    void newDeclarationsAreNotes() {
      assertFindings("""
          package chat;
          message Join = 1 { u32 user; }
          """, """
          package chat;
          struct Point { i32 x; }
          enum Mood : u8 { CALM = 1; }
          flags Perms : u8 { READ = 0; }
          const u16 MAX_NICK = 32;
          message Join = 1 { u32 user; }
          """, """
          new/chat.parley:2:8: note: new struct 'Point'
          struct Point { i32 x; }
                 ^
          new/chat.parley:3:6: note: new enum 'Mood'
          enum Mood : u8 { CALM = 1; }
               ^
          new/chat.parley:4:7: note: new flags 'Perms'
          flags Perms : u8 { READ = 0; }
                ^
          new/chat.parley:5:11: note: new constant 'MAX_NICK'
          const u16 MAX_NICK = 32;
                    ^""");
    }

    @Test
    void changedDocCommentOfAStructIsANote() {
      assertFindings("""
          package chat;
          struct Point { i32 x; }
          """, """
          package chat;
          /** A point. */
          struct Point { i32 x; }
          """, """
          new/chat.parley:3:8: note: doc comment of struct 'Point' changed (was at old/chat.parley:2:8)
          struct Point { i32 x; }
                 ^""");
    }
  }

  // ---- Enums and flags ------------------------------------------------------------------------

  @Nested
  class EnumsAndFlags {

    private static final String CARRIER = "message Join = 1 { Mood mood; Perms perms; }\n";

    @Test
    void removedEnumConstantIsAnError() {
      assertFindings("""
          package chat;
          enum Mood : u8 { CALM = 1; SAD = 2; }
          flags Perms : u8 { READ = 0; }
          """ + CARRIER, """
          package chat;
          enum Mood : u8 { CALM = 1; }
          flags Perms : u8 { READ = 0; }
          """ + CARRIER, """
          new/chat.parley:2:6: error: constant 'SAD' of enum 'Mood' was removed (was value 2 at old/chat.parley:2:28); carried by message Join
          enum Mood : u8 { CALM = 1; }
               ^""");
    }

    @Test
    void renumberedEnumConstantIsAnError() {
      assertFindings("""
          package chat;
          enum Mood : u8 { CALM = 1; SAD = 2; }
          flags Perms : u8 { READ = 0; }
          """ + CARRIER, """
          package chat;
          enum Mood : u8 { CALM = 1; SAD = 3; }
          flags Perms : u8 { READ = 0; }
          """ + CARRIER, """
          new/chat.parley:2:28: error: constant 'SAD' of enum 'Mood' is now value 3 (was value 2 at old/chat.parley:2:28); carried by message Join
          enum Mood : u8 { CALM = 1; SAD = 3; }
                                     ^""");
    }

    @Test
    void renamedEnumConstantWithItsValueIsAWarning() {
      assertFindings("""
          package chat;
          enum Mood : u8 { CALM = 1; SAD = 2; }
          flags Perms : u8 { READ = 0; }
          """ + CARRIER, """
          package chat;
          enum Mood : u8 { CALM = 1; GLOOMY = 2; }
          flags Perms : u8 { READ = 0; }
          """ + CARRIER, """
          new/chat.parley:2:28: warning: value 2 of enum 'Mood' is now named 'GLOOMY' (was 'SAD' at old/chat.parley:2:28): the same bytes, but another Java name
          enum Mood : u8 { CALM = 1; GLOOMY = 2; }
                                     ^""");
    }

    @Test
    void addedEnumConstantIsANoteAndAWarningForOldReaders() {
      assertFindings("""
          package chat;
          enum Mood : u8 { CALM = 1; }
          flags Perms : u8 { READ = 0; }
          """ + CARRIER, """
          package chat;
          enum Mood : u8 { CALM = 1; ANGRY = 9; }
          flags Perms : u8 { READ = 0; }
          """ + CARRIER, """
          new/chat.parley:2:28: warning: new constant 'ANGRY' of enum 'Mood' is safe only between new writers and new readers: an old reader rejects a frame that carries value 9
          enum Mood : u8 { CALM = 1; ANGRY = 9; }
                                     ^
          new/chat.parley:2:28: note: constant 'ANGRY' = 9 was added to enum 'Mood'
          enum Mood : u8 { CALM = 1; ANGRY = 9; }
                                     ^""");
    }

    @Test
    void enumUnderlyingWidthChangeIsAnError() {
      assertFindings("""
          package chat;
          enum Mood : u8 { CALM = 1; }
          flags Perms : u8 { READ = 0; }
          """ + CARRIER, """
          package chat;
          enum Mood : u16 { CALM = 1; }
          flags Perms : u8 { READ = 0; }
          """ + CARRIER, """
          new/chat.parley:2:6: error: enum 'Mood' now has underlying type u16 (was u8 at old/chat.parley:2:6); carried by message Join
          enum Mood : u16 { CALM = 1; }
               ^""");
    }

    @Test
    void enumUnderlyingSignednessChangeOfTheSameWidthIsAWarning() {
      assertFindings("""
          package chat;
          enum Mood : u8 { CALM = 1; }
          flags Perms : u8 { READ = 0; }
          """ + CARRIER, """
          package chat;
          enum Mood : i8 { CALM = 1; }
          flags Perms : u8 { READ = 0; }
          """ + CARRIER, """
          new/chat.parley:2:6: warning: enum 'Mood' now has underlying type i8 (was u8 at old/chat.parley:2:6): the same width, so every value keeps its bytes
          enum Mood : i8 { CALM = 1; }
               ^""");
    }

    @Test
    void removedFlagBitIsAnError() {
      assertFindings("""
          package chat;
          enum Mood : u8 { CALM = 1; }
          flags Perms : u8 { READ = 0; WRITE = 1; }
          """ + CARRIER, """
          package chat;
          enum Mood : u8 { CALM = 1; }
          flags Perms : u8 { READ = 0; }
          """ + CARRIER, """
          new/chat.parley:3:7: error: bit 'WRITE' of flags 'Perms' was removed (was bit 1 at old/chat.parley:3:30); carried by message Join
          flags Perms : u8 { READ = 0; }
                ^""");
    }

    @Test
    void movedFlagBitIsAnError() {
      assertFindings("""
          package chat;
          enum Mood : u8 { CALM = 1; }
          flags Perms : u8 { READ = 0; WRITE = 1; }
          """ + CARRIER, """
          package chat;
          enum Mood : u8 { CALM = 1; }
          flags Perms : u8 { READ = 0; WRITE = 4; }
          """ + CARRIER, """
          new/chat.parley:3:30: error: bit 'WRITE' of flags 'Perms' is now bit 4 (was bit 1 at old/chat.parley:3:30); carried by message Join
          flags Perms : u8 { READ = 0; WRITE = 4; }
                                       ^""");
    }

    @Test
    void renamedFlagBitIsAWarning() {
      assertFindings("""
          package chat;
          enum Mood : u8 { CALM = 1; }
          flags Perms : u8 { READ = 0; WRITE = 1; }
          """ + CARRIER, """
          package chat;
          enum Mood : u8 { CALM = 1; }
          flags Perms : u8 { READ = 0; EDIT = 1; }
          """ + CARRIER, """
          new/chat.parley:3:30: warning: bit 1 of flags 'Perms' is now named 'EDIT' (was 'WRITE' at old/chat.parley:3:30): the same bytes, but another Java name
          flags Perms : u8 { READ = 0; EDIT = 1; }
                                       ^""");
    }

    @Test
    void addedFlagBitIsANoteAndAWarningForOldReaders() {
      assertFindings("""
          package chat;
          enum Mood : u8 { CALM = 1; }
          flags Perms : u8 { READ = 0; }
          """ + CARRIER, """
          package chat;
          enum Mood : u8 { CALM = 1; }
          flags Perms : u8 { READ = 0; ADMIN = 7; }
          """ + CARRIER, """
          new/chat.parley:3:30: warning: new bit 'ADMIN' of flags 'Perms' is safe only between new writers and new readers: an old reader rejects a frame that sets bit 7
          flags Perms : u8 { READ = 0; ADMIN = 7; }
                                       ^
          new/chat.parley:3:30: note: bit 'ADMIN' = 7 was added to flags 'Perms'
          flags Perms : u8 { READ = 0; ADMIN = 7; }
                                       ^""");
    }

    @Test
    void flagsUnderlyingWidthChangeIsAnError() {
      assertFindings("""
          package chat;
          enum Mood : u8 { CALM = 1; }
          flags Perms : u8 { READ = 0; }
          """ + CARRIER, """
          package chat;
          enum Mood : u8 { CALM = 1; }
          flags Perms : u32 { READ = 0; }
          """ + CARRIER, """
          new/chat.parley:3:7: error: flags 'Perms' now has underlying type u32 (was u8 at old/chat.parley:3:7); carried by message Join
          flags Perms : u32 { READ = 0; }
                ^""");
    }

    @Test
    void changeToAnEnumNoMessageCarriesIsAWarning() {
      assertFindings("""
          package chat;
          enum Mood : u8 { CALM = 1; SAD = 2; }
          """, """
          package chat;
          enum Mood : u8 { CALM = 1; }
          """, """
          new/chat.parley:2:6: warning: constant 'SAD' of enum 'Mood' was removed (was value 2 at old/chat.parley:2:28); no message carries it
          enum Mood : u8 { CALM = 1; }
               ^""");
    }

    @Test
    void removedEnumAndChangedDocOfAConstantAreReported() {
      assertFindings("""
          package chat;
          enum Mood : u8 { CALM = 1; }
          flags Perms : u8 { READ = 0; }
          """, """
          package chat;
          flags Perms : u8 {
            /** May read. */
            READ = 0;
          }
          """, """
          new/chat.parley:1:9: warning: enum 'Mood' was removed (was at old/chat.parley:2:6)
          package chat;
                  ^
          new/chat.parley:4:3: note: doc comment of bit 'READ' of flags 'Perms' changed (was at old/chat.parley:3:20)
            READ = 0;
            ^""");
    }
  }

  // ---- Constants, files and options -----------------------------------------------------------

  @Nested
  class FilesAndOptions {

    @Test
    void changedAndRemovedConstantsAreWarnings() {
      assertFindings("""
          package chat;
          const u16 MAX_NICK = 32;
          const string GREETING = "hi";
          const f32 RATIO = 0.5;
          """, """
          package chat;
          const u32 MAX_NICK = 32;
          const f32 RATIO = 0.5;
          """, """
          new/chat.parley:1:9: warning: constant 'GREETING' was removed (was at old/chat.parley:3:14)
          package chat;
                  ^
          new/chat.parley:2:11: warning: constant 'MAX_NICK' is now u32 = 32 (was u16 = 32 at old/chat.parley:2:11)
          const u32 MAX_NICK = 32;
                    ^""");
    }

    @Test
    void frameOptionChangesAreErrorsAtTheOption() {
      assertFindings("""
          package chat;
          option byte_order = big_endian;
          message Join = 1 { }
          """, """
          package chat;
          option byte_order = little_endian;
          option length_prefix = u16;
          option type_id = u8;
          message Join = 1 { }
          """, """
          new/chat.parley:1:9: error: option max_frame_length is now 65535 by default (was 1048576 by default in old/chat.parley): readers now refuse frames that old writers may send
          package chat;
                  ^
          new/chat.parley:2:1: error: option byte_order is now little_endian (was big_endian at old/chat.parley:2:1)
          option byte_order = little_endian;
          ^
          new/chat.parley:3:1: error: option length_prefix is now u16 (was u32 by default in old/chat.parley)
          option length_prefix = u16;
          ^
          new/chat.parley:4:1: error: option type_id is now u8 (was u16 by default in old/chat.parley)
          option type_id = u8;
          ^""");
  }

    @Test
    void loweredMaxFrameLengthIsAnErrorAndRaisedANote() {
      assertFindings(List.of(
          "chat.parley", "package chat;\nimport \"admin.parley\";\noption max_frame_length = 4096;\nmessage Join = 1 { }\n",
          "admin.parley", "package admin;\nmessage Ban = 1 { }\n"), List.of(
          "chat.parley", "package chat;\nimport \"admin.parley\";\noption max_frame_length = 8192;\nmessage Join = 1 { }\n",
          "admin.parley", "package admin;\noption max_frame_length = 512;\nmessage Ban = 1 { }\n"), """
          new/admin.parley:2:1: error: option max_frame_length is now 512 (was 1048576 by default in old/admin.parley): readers now refuse frames that old writers may send
          option max_frame_length = 512;
          ^
          new/chat.parley:3:1: note: option max_frame_length is now 8192 (was 4096 at old/chat.parley:3:1): old readers still refuse frames longer than 4096
          option max_frame_length = 8192;
          ^""");
    }

    @Test
    void frameOptionsOfAFileWithoutMessagesChangeNothing() {
      assertFindings("""
          package common;
          option byte_order = little_endian;
          struct Point { i32 x; }
          """, """
          package common;
          struct Point { i32 x; }
          """, "");
    }

    @Test
    void renamedPackageIsAWarningAndItsDeclarationsStayMatched() {
      assertFindings(List.of("profile.parley", """
          package evolution.v1;
          message Profile = 1 { u64 id; }
          """), List.of("profile.parley", """
          package evolution.v2;
          message Profile = 1 { u64 id; @since(2) optional string motto; }
          """), """
          new/profile.parley:1:9: warning: package is now 'evolution.v2' (was 'evolution.v1' at old/profile.parley:1:9); the generated code moves to Java package 'evolution.v2'
          package evolution.v2;
                  ^
          new/profile.parley:2:57: note: field 'motto' was added to message 'Profile' in version 2
          message Profile = 1 { u64 id; @since(2) optional string motto; }
                                                                  ^""");
    }

    @Test
    void singleFilesOfOtherNamesAreCompared() {
      assertFindings(List.of("chat-v1.parley", """
          package chat.v1;
          message Join = 1 { u64 id; }
          """), List.of("chat-v2.parley", """
          package chat.v2;
          option java_package = "chat.v1";
          message Join = 1 { u32 id; }
          """), """
          new/chat-v2.parley:1:9: warning: package is now 'chat.v2' (was 'chat.v1' at old/chat-v1.parley:1:9)
          package chat.v2;
                  ^
          new/chat-v2.parley:3:24: error: field 'id' of message 'Join' is now u32 (was u64 at old/chat-v1.parley:2:24)
          message Join = 1 { u32 id; }
                                 ^""");
    }

    @Test
    void changedJavaPackageIsAWarning() {
      assertFindings("""
          package chat;
          message Join = 1 { }
          """, """
          package chat;
          option java_package = "com.example.chat";
          message Join = 1 { }
          """, """
          new/chat.parley:2:1: warning: the generated code moves to Java package 'com.example.chat' (was 'chat' at old/chat.parley:1:9)
          option java_package = "com.example.chat";
          ^""");
    }
  }

  // ---- Frames -------------------------------------------------------------------------------

  /**
   * A file's frame, Parley's own or declared: every change to a byte of the header is an error at
   * NEW's declaration, saying what changed and what it was; a change that keeps the bytes is a note.
   */
  @Nested
  class Frames {

    /** memcached's request header, cut down: a constant, a type id, a length, application fields. */
    private static final String MEMCACHED = """
        package kv;
        frame {
          const u8 magic = 0x80;
          type_id u8 opcode;
          u16 key_length;
          length u32 body_length counts body;
          u32 opaque;
        }
        message Noop = 0x0A {}
        """;

    private void assertMemcached(String newText, String expected) {
      assertFindings(MEMCACHED, newText, expected);
    }

    @TestFactory
    Stream<DynamicTest> everyFrameSchemaComparedWithItselfHasNoFindings() throws Exception {
      Path root = Path.of(CompatCheckerTest.class.getResource("/valid/frames").toURI());
      List<Path> files;
      try (Stream<Path> listing = Files.list(root)) {
        files = listing.filter(p -> p.toString().endsWith(".parley")).sorted().toList();
      }
      assertTrue(files.size() >= 12, "frame schemas found: " + files);
      return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
        String text = Files.readString(file);
        List<String> version = List.of(file.getFileName().toString(), text);
        Schema schema = compat.load("old", version);
        assertEquals(List.of(), CompatChecker.compare(schema, schema).diagnostics());
        assertEquals("", compat.format(compat.compare(version, version)));
      }));
    }

    @Test
    void declaringAFrameIsAnErrorAtTheDeclaration() {
      assertFindings("""
          package kv;
          option type_id = u8;
          message Noop = 0x0A {}
          """, MEMCACHED, """
          new/chat.parley:2:1: error: the file now declares its frame, a 12-byte header (was Parley's own frame in old/chat.parley: a u32 length of the bytes after it, then a u8 type id)
          frame {
          ^""");
    }

    @Test
    void declaringParleysOwnFrameIsANote() {
      assertFindings("""
          package kv;
          message Noop = 10 {}
          """, """
          package kv;
          option max_frame_length = 1048580;
          frame {
            length u32 length counts following;
            type_id u16 kind;
          }
          message Noop = 10 {}
          """, """
          new/chat.parley:3:1: note: the file now declares its frame, with the same bytes as Parley's own frame in old/chat.parley: a u32 length of the bytes after it, then a u16 type id
          frame {
          ^""");
    }

    @Test
    void maxFrameLengthOfParleysOwnFrameAndOfADeclaredOneAreComparedAsWholeFrames() {
      assertFindings("""
          package kv;
          message Noop = 10 {}
          """, """
          package kv;
          frame {
            length u32 length counts following;
            type_id u16 kind;
          }
          message Noop = 10 {}
          """, """
          new/chat.parley:1:9: error: option max_frame_length is now 1048576 by default (was 1048576 by default in old/chat.parley), which now bounds the whole frame, header included (it bounded the body after the u32 length, 1048580 bytes in all): readers now refuse frames that old writers may send
          package kv;
                  ^
          new/chat.parley:2:1: note: the file now declares its frame, with the same bytes as Parley's own frame in old/chat.parley: a u32 length of the bytes after it, then a u16 type id
          frame {
          ^""");
    }

    @Test
    void removingTheFrameDeclarationIsAnErrorAtThePackageLine() {
      assertMemcached("""
          package kv;
          option type_id = u8;
          message Noop = 0x0A {}
          """, """
          new/chat.parley:1:9: error: the file no longer declares its frame: it has Parley's own, a u32 length of the bytes after it, then a u8 type id (was the 12-byte header declared at old/chat.parley:2:1)
          package kv;
                  ^""");
    }

    @Test
    void removingADeclarationOfParleysOwnFrameIsANote() {
      assertFindings("""
          package kv;
          option byte_order = little_endian;
          frame {
            length u16 little_endian size counts following;
            type_id u8 kind;
          }
          message Noop = 10 {}
          """, """
          package kv;
          option byte_order = little_endian;
          option length_prefix = u16;
          option type_id = u8;
          message Noop = 10 {}
          """, """
          new/chat.parley:1:9: note: the file no longer declares its frame: it has Parley's own, a u16 length of the bytes after it, then a u8 type id, with the same bytes as the header declared at old/chat.parley:3:1
          package kv;
                  ^""");
    }

    @Test
    void addedHeaderFieldIsAnError() {
      assertMemcached(MEMCACHED.replace("  u16 key_length;\n", "  u16 key_length;\n  u8 extras_length;\n"),
          """
          new/chat.parley:6:6: error: header field 'extras_length' was added at offset 4 (the old header at old/chat.parley:2:1 had 12 bytes)
            u8 extras_length;
               ^""");
    }

    @Test
    void removedHeaderFieldIsAnErrorAtTheFrame() {
      assertMemcached(MEMCACHED.replace("  u32 opaque;\n", ""), """
          new/chat.parley:2:1: error: header field 'opaque' was removed (was 'u32 opaque' at offset 8, at old/chat.parley:7:7)
          frame {
          ^""");
    }

    @Test
    void movedHeaderFieldIsAnError() {
      assertMemcached(MEMCACHED.replace("  type_id u8 opcode;\n  u16 key_length;\n",
          "  u16 key_length;\n  type_id u8 opcode;\n"), """
          new/chat.parley:5:14: error: header field 'opcode' was field 2 at offset 1, now field 3 at offset 3 (was at old/chat.parley:4:14)
            type_id u8 opcode;
                       ^""");
    }

    @Test
    void widenedHeaderFieldIsAnError() {
      assertMemcached(MEMCACHED.replace("u32 opaque;", "u64 opaque;"), """
          new/chat.parley:7:7: error: header field 'opaque' was u32 at offset 8, now u64 (was at old/chat.parley:7:7)
            u64 opaque;
                ^""");
    }

    @Test
    void headerFieldOfAnotherSignednessIsAnError() {
      assertMemcached(MEMCACHED.replace("u16 key_length;", "i16 key_length;"), """
          new/chat.parley:5:7: error: header field 'key_length' was u16 at offset 2, now i16 (was at old/chat.parley:5:7)
            i16 key_length;
                ^""");
    }

    @Test
    void headerFieldOfAnotherByteOrderIsAnError() {
      assertMemcached(MEMCACHED.replace("u16 key_length;", "u16 little_endian key_length;")
          .replace("u32 opaque;", "u32 big_endian opaque;"), """
          new/chat.parley:5:21: error: header field 'key_length' was big_endian by the file's byte_order at offset 2, now little_endian (was at old/chat.parley:5:7)
            u16 little_endian key_length;
                              ^""");
    }

    @Test
    void byteOrderOptionNamesTheHeaderFieldsWithoutAnOrderOfTheirOwn() {
      assertMemcached(MEMCACHED.replace("package kv;\n", "package kv;\noption byte_order = little_endian;\n")
          .replace("u32 opaque;", "u32 big_endian opaque;"), """
          new/chat.parley:2:1: error: option byte_order is now little_endian (was big_endian by default in old/chat.parley); header fields 'key_length' and 'body_length', which have no byte order of their own, change with it
          option byte_order = little_endian;
          ^""");
    }

    @Test
    void headerFieldOfAnotherRoleIsAnError() {
      assertMemcached(MEMCACHED.replace("const u8 magic = 0x80;", "u8 magic;")
          .replace("type_id u8 opcode;", "u8 opcode;").replace("message Noop = 0x0A {}", "message Noop {}"),
          """
          new/chat.parley:3:6: error: header field 'magic' was the constant 0x80 at offset 0, now an application field (was at old/chat.parley:3:12)
            u8 magic;
               ^
          new/chat.parley:4:6: error: header field 'opcode' was the type id at offset 1, now an application field (was at old/chat.parley:4:14)
            u8 opcode;
               ^""");
    }

    @Test
    void lengthCountingOtherBytesIsAnError() {
      assertMemcached(MEMCACHED.replace("counts body", "counts following"), """
          new/chat.parley:6:14: error: header field 'body_length' was the length counting body at offset 4, now counting following (was at old/chat.parley:6:14): it left out the frame's first 12 bytes, now 8 bytes
            length u32 body_length counts following;
                       ^""");
    }

    @Test
    void lengthCountingTheSameBytesInOtherWordsIsANote() {
      String cassandra = """
          package cql;
          frame {
            u8 version;
            type_id u8 opcode;
            length i32 length counts body;
          }
          message Ready = 0x02 {}
          """;
      assertFindings(cassandra, cassandra.replace("counts body", "counts following"), """
          new/chat.parley:5:14: note: length 'length' now counts following (was counts body at old/chat.parley:5:14): the same value, since either way it leaves out the frame's first 6 bytes
            length i32 length counts following;
                       ^""");
    }

    @Test
    void changedConstantIsAnError() {
      assertMemcached(MEMCACHED.replace("magic = 0x80", "magic = 0x81"), """
          new/chat.parley:3:12: error: header field 'magic' was the constant 0x80 at offset 0, now 0x81 (was at old/chat.parley:3:12)
            const u8 magic = 0x81;
                     ^""");
    }

    @Test
    void renamedHeaderFieldsAreNotesNamingTheAccessorThatChanged() {
      assertMemcached(MEMCACHED.replace("key_length", "key_len").replace("opcode", "op"), """
          new/chat.parley:4:14: note: header field 2 is now named 'op' (was 'opcode' at old/chat.parley:4:14): a name changes no byte
            type_id u8 op;
                       ^
          new/chat.parley:5:7: note: header field 3 is now named 'key_len' (was 'key_length' at old/chat.parley:5:7): a name changes no byte, but the accessor keyLength() of every message is now keyLen()
            u16 key_len;
                ^""");
    }

    @Test
    void docCommentsOfTheFrameAndItsFieldsChangeNothing() {
      assertMemcached(MEMCACHED.replace("frame {", "/** The request header. */\nframe {")
          .replace("  u32 opaque;", "  /** Copied into the response. */\n  u32 opaque;"), "");
    }

    @Test
    void loweredMaxFrameLengthOfADeclaredFrameIsAnError() {
      assertMemcached(MEMCACHED.replace("package kv;\n", "package kv;\noption max_frame_length = 4096;\n"),
          """
          new/chat.parley:2:1: error: option max_frame_length is now 4096 (was 1048576 by default in old/chat.parley): readers now refuse frames that old writers may send
          option max_frame_length = 4096;
          ^""");
    }

    @Test
    void frameOfAFileWithoutMessagesChangesNothing() {
      assertFindings("""
          package kv;
          frame { length u16 size counts following; }
          """, """
          package kv;
          frame { length u32 size counts body; u8 flags; }
          """, "");
    }

    // ---- Frames without a type id: one message, of id 0 ----

    private static final String DNS = """
        package dns;
        frame { length u16 length counts following; }
        message DnsMessage { u16 id; u16 flags; }
        """;

    @Test
    void theOneMessageIsMatchedByNameAndItsFieldsCompared() {
      assertFindings(DNS, DNS.replace("u16 flags;", "u32 flags;"), """
          new/chat.parley:3:34: error: field 'flags' of message 'DnsMessage' is now u32 (was u16 at old/chat.parley:3:34)
          message DnsMessage { u16 id; u32 flags; }
                                           ^""");
    }

    @Test
    void theOneMessageRenamedIsANote() {
      String renamed = DNS.replace("DnsMessage", "Dns")
          .replace("u16 flags;", "u16 flags; @since(2) optional u16 count;");
      assertFindings(DNS, renamed, """
          new/chat.parley:3:9: note: the frame's one message is now named 'Dns' (was 'DnsMessage' at old/chat.parley:3:9): a name changes no byte, but the generated record is renamed
          message Dns { u16 id; u16 flags; @since(2) optional u16 count; }
                  ^
          new/chat.parley:3:57: note: field 'count' was added to message 'Dns' in version 2
          message Dns { u16 id; u16 flags; @since(2) optional u16 count; }
                                                                  ^""");
    }

    @Test
    void theOneMessageRemovedHasNoIdToName() {
      assertFindings(DNS, "package dns;\nframe { length u16 length counts following; }\n", """
          new/chat.parley:1:9: error: message 'DnsMessage' was removed (was at old/chat.parley:3:9)
          package dns;
                  ^""");
    }

    @Test
    void newMessageOfAFrameWithoutTypeIdHasNoIdToName() {
      assertFindings("package dns;\nframe { length u16 length counts following; }\n", DNS, """
          new/chat.parley:3:9: note: new message 'DnsMessage'
          message DnsMessage { u16 id; u16 flags; }
                  ^""");
    }

    @Test
    void messagesOfAFrameThatLostItsTypeIdAreMatchedByNameOnly() {
      assertFindings("""
          package dns;
          message DnsMessage = 1 { u16 id; u16 flags; }
          message Other = 2 {}
          """, DNS, """
          new/chat.parley:1:9: error: message 'Other' was removed (was id 2 at old/chat.parley:3:9)
          package dns;
                  ^
          new/chat.parley:2:1: error: the file now declares its frame, a 2-byte header (was Parley's own frame in old/chat.parley: a u32 length of the bytes after it, then a u16 type id)
          frame { length u16 length counts following; }
          ^""");
    }

    // ---- Frames without a length: every message has a fixed size ----

    @Test
    void fieldAddedToAMessageOfAFrameWithoutLengthIsAnErrorSayingWhy() {
      String answer = """
          package pg;
          frame { type_id u8 answer; }
          message Willing = 'S' { u8 mode; }
          """;
      assertFindings(answer, answer.replace("u8 mode;", "u8 level; u8 mode; u16 extra;"), """
          new/chat.parley:3:28: error: field 'level' of message 'Willing' was inserted as field 1 (the old message at old/chat.parley:3:9 had 1 field): the frame has no length, so the type id fixes the size of each message and messages never grow
          message Willing = 'S' { u8 level; u8 mode; u16 extra; }
                                     ^
          new/chat.parley:3:48: error: field 'extra' was added to message 'Willing' (the old message at old/chat.parley:3:9 had 1 field): the frame has no length, so the type id fixes the size of each message and messages never grow
          message Willing = 'S' { u8 level; u8 mode; u16 extra; }
                                                         ^""");
    }

    @Test
    void fieldAddedToTheMessageOfAFrameWithNeitherLengthNorTypeIdIsAnError() {
      String fixed = """
          package fixed;
          frame { const u8 magic = 0x7E; }
          message Sample { u16 value; }
          """;
      assertFindings(fixed, fixed.replace("u16 value;", "u16 value; u16 extra;"), """
          new/chat.parley:3:33: error: field 'extra' was added to message 'Sample' (the old message at old/chat.parley:3:9 had 1 field): the frame has neither length nor type id, so its frames have one fixed size and the message never grows
          message Sample { u16 value; u16 extra; }
                                          ^""");
    }
  }
}
