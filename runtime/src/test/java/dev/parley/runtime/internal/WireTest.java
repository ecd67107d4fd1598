package dev.parley.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.MalformedFrameException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The helpers of generated code: bounded counts, lazily built labels, and lists nobody can change. */
class WireTest {

  @Test
  void countsAreBoundedByTheBytesLeft() {
    ByteBuffer in = ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0});
    MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> Wire.count(in, 4, 1, "items"));
    assertEquals("items: count 4294967295 of elements of at least 1 byte exceeds the 2 bytes left, at offset 0",
        e.getMessage());
  }

  @Test
  void listsAreCopiedUnlessABuilderBuiltThem() {
    List<String> mutable = new ArrayList<>(List.of("a"));
    List<String> checked = Wire.checkList(mutable, 2, "tags");
    mutable.add("b");
    assertEquals(List.of("a"), checked);
    assertSame(checked, Wire.checkList(checked, 2, "tags"), "no second copy");
    List<String> jdk = List.of("x", "y");
    assertSame(jdk, Wire.checkList(jdk, 2, "tags"), "an unmodifiable JDK list of no lists is kept");
    ListBuilder<String> builder = new ListBuilder<>(2);
    builder.add("x");
    builder.add("y");
    List<String> built = builder.build();
    assertSame(built, Wire.checkList(built, 1, "tags"), "no copy of what a decoder built");
    assertThrows(UnsupportedOperationException.class, () -> built.add("z"));
    assertThrows(UnsupportedOperationException.class, () -> built.set(0, "z"));
    assertEquals(List.of("x", "y"), built);
    assertThrows(IllegalArgumentException.class, () -> Wire.checkList(Collections.nCopies(256, "t"), 1, "tags"));
  }

  @Test
  void aListOfListsIsCopiedAllTheWayDown() {
    List<Integer> inner = new ArrayList<>(List.of(1, 2));
    List<List<Integer>> jdkOuter = List.of(inner);
    List<List<Integer>> checked = Wire.checkList(jdkOuter, 2, "grid");
    inner.add(3);
    assertEquals(List.of(List.of(1, 2)), checked);
    assertThrows(UnsupportedOperationException.class, () -> checked.get(0).add(4));

    // A builder copies an element list it did not build, even one it is handed before it fills it.
    List<Integer> later = new ArrayList<>(List.of(7));
    ListBuilder<List<Integer>> builder = new ListBuilder<>(1);
    builder.add(later);
    List<List<Integer>> built = builder.build();
    later.set(0, 8);
    assertEquals(List.of(List.of(7)), built);
    assertSame(built, Wire.checkList(built, 2, "grid"));

    List<List<Integer>> holes = List.of(List.of(1), Arrays.asList(2, null));
    NullPointerException e = assertThrows(NullPointerException.class, () -> Wire.checkList(holes, 2, "grid"));
    assertEquals("grid[1][1]", e.getMessage());
  }

  @Test
  void aListThatKeepsTheArrayItHandsOutIsStillCopied() {
    Object[] shared = {"a", "b"};
    List<Object> sneaky = new AbstractList<>() {
      @Override
      public Object get(int index) {
        return shared[index];
      }

      @Override
      public int size() {
        return shared.length;
      }

      @Override
      public Object[] toArray() {
        return shared; // breaks the contract of Collection.toArray on purpose
      }
    };
    List<Object> checked = Wire.checkList(sneaky, 2, "tags");
    shared[0] = "changed";
    assertEquals(List.of("a", "b"), checked);

    List<List<Object>> nested = Wire.checkList(List.of(sneaky), 2, "grid");
    shared[1] = "changed";
    assertEquals(List.of(List.of("changed", "b")), nested, "copied when checked");
  }

  @Test
  void aBuilderGivesItsArrayAwayOnceAndOnlyWhenFull() throws InterruptedException, ExecutionException {
    ListBuilder<String> builder = new ListBuilder<>(2);
    builder.add("a");
    assertThrows(IllegalStateException.class, builder::build, "not full");
    assertThrows(NullPointerException.class, () -> builder.add(null));
    builder.add("b");
    assertThrows(IllegalStateException.class, () -> builder.add("c"), "full");
    List<String> list = builder.build();
    assertThrows(IllegalStateException.class, () -> builder.add("c"), "built");
    assertThrows(IllegalStateException.class, builder::build, "built");
    assertEquals(List.of("a", "b"), list);
    assertEquals(List.of(), new ListBuilder<String>(0).build());
    assertThrows(IllegalArgumentException.class, () -> new ListBuilder<String>(-1));

  }

  @Test
  void optionalListsAreCheckedAndCopiedLikeLists() {
    List<String> mutable = new ArrayList<>(List.of("a"));
    Optional<List<String>> checked = Wire.checkOptionalList(Optional.of(mutable), 2, "tags");
    mutable.add("b");
    assertEquals(Optional.of(List.of("a")), checked);
    assertSame(checked, Wire.checkOptionalList(checked, 2, "tags"));
    Optional<List<String>> none = Optional.empty();
    assertSame(none, Wire.checkOptionalList(none, 2, "tags"));
    assertThrows(NullPointerException.class, () -> Wire.checkOptionalList(null, 2, "tags"));
  }

  @Test
  void elementChecksNameTheElementOnlyWhenTheyFail() {
    assertEquals(7, Wire.checkU16(7, "ports", 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Wire.checkU16(70_000, "ports", 3));
    assertEquals("ports[3] must be a u16 (0 to 65535): 70000", e.getMessage());
    assertEquals("tags[2]", assertThrows(NullPointerException.class, () -> Wire.checkString(null, 1, "tags", 2))
        .getMessage());
    IllegalArgumentException inner = assertThrows(IllegalArgumentException.class, () -> Wire.checkU8(256, "", 4));
    assertEquals("grid[1][4] must be a u8 (0 to 255): 256", Wire.within(inner, "grid", 1).getMessage());
    assertEquals("ids[0]", assertThrows(NullPointerException.class,
        () -> Wire.checkList(Arrays.asList((String) null), 2, "ids")).getMessage());
  }

  /**
   * The proof that no public entry point of the runtime lets a caller wrap an array it keeps: no
   * public constructor or method of a public class takes an array of objects.
   */
  @Test
  void noPublicEntryPointTakesAnArrayOfObjects() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(Wire.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path runtime = root.resolve("dev/parley/runtime");
    List<String> offenders = new ArrayList<>();
    int classes = 0;
    try (Stream<Path> files = Files.walk(runtime)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String name = root.relativize(file).toString()
            .replace(java.io.File.separatorChar, '.').replaceAll("\\.class$", "");
        Class<?> type = Class.forName(name, false, getClass().getClassLoader());
        if (!Modifier.isPublic(type.getModifiers())) {
          continue;
        }
        classes++;
        List<Executable> entries = new ArrayList<>(List.of(type.getConstructors()));
        entries.addAll(List.of(type.getMethods()));
        for (Executable entry : entries) {
          if (!entry.getDeclaringClass().getName().startsWith("dev.parley.")) {
            continue; // Throwable.setStackTrace and the like
          }
          for (Class<?> parameter : entry.getParameterTypes()) {
            if (parameter.isArray() && !parameter.getComponentType().isPrimitive()) {
              offenders.add(type.getName() + "." + entry.getName());
            }
          }
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    assertTrue(classes > 5, "found the runtime's classes: " + classes);
    assertEquals(List.of(), offenders);
  }
}
