package drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codegen.edges.EdgesProtocol;
import codegen.edges.Holds;
import dev.parley.runtime.Bytes;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * User code cannot change a record's lists after construction, through any public entry point:
 * not through the lists it passed in (at any depth, inside an optional), not through the
 * accessors, not through a decoded record. And checking a record's lists builds no label unless
 * a check fails.
 */
public final class RecordsCannotBeBypassed {

  private RecordsCannotBeBypassed() {}

  static final EdgesProtocol P = EdgesProtocol.INSTANCE;

  public static void theListsPassedInAreCopiedAllTheWayDown() throws Exception {
    List<Integer> maybe = new ArrayList<>(List.of(1));
    List<Integer> cell = new ArrayList<>(List.of(2));
    List<List<Integer>> cells = new ArrayList<>(List.of(cell));
    List<String> names = new ArrayList<>(List.of("a"));
    List<Integer> ports = new ArrayList<>(List.of(3));
    Holds holds = new Holds(Optional.of(maybe), cells, names, ports);
    byte[] before = Codec.encode(P, holds);

    maybe.add(70_000);
    cell.add(70_000);
    cells.add(new ArrayList<>(List.of(70_000)));
    names.add("x".repeat(300));
    ports.set(0, 70_000);

    assertEquals(new Holds(Optional.of(List.of(1)), List.of(List.of(2)), List.of("a"), List.of(3)), holds);
    assertEquals(Bytes.of(before), Bytes.of(Codec.encode(P, holds)), "encodes the same bytes");
    // An unmodifiable JDK list of mutable lists is no way round: the inner lists are copied too.
    List<Integer> inner = new ArrayList<>(List.of(4));
    Holds fromJdk = new Holds(Optional.empty(), List.of(inner), List.of(), List.of());
    inner.add(70_000);
    assertEquals(List.of(List.of(4)), fromJdk.cells());
  }

  public static void accessorsAndDecodedRecordsHandOutUnmodifiableLists() throws Exception {
    Holds made = new Holds(Optional.of(List.of(1)), List.of(List.of(2)), List.of("a"), List.of(3));
    Holds decoded = (Holds) Codec.decode(P, Codec.encode(P, made));
    assertEquals(made, decoded);
    for (Holds holds : List.of(made, decoded)) {
      assertThrows(UnsupportedOperationException.class, () -> holds.maybePorts().get().add(1));
      assertThrows(UnsupportedOperationException.class, () -> holds.cells().get(0).set(0, 70_000));
      assertThrows(UnsupportedOperationException.class, () -> holds.cells().add(List.of()));
      assertThrows(UnsupportedOperationException.class, () -> holds.names().set(0, "b"));
      assertThrows(UnsupportedOperationException.class, () -> holds.ports().remove(0));
    }
  }

  public static void elementChecksNameTheElementAtAnyDepth() {
    IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
        () -> new Holds(Optional.empty(), List.of(), List.of(), List.of(1, 70_000)));
    assertEquals("ports[1] must be a u16 (0 to 65535): 70000", port.getMessage());
    IllegalArgumentException cell = assertThrows(IllegalArgumentException.class,
        () -> new Holds(Optional.empty(), List.of(List.of(), List.of(1, 2, -1)), List.of(), List.of()));
    assertEquals("cells[1][2] must be a u16 (0 to 65535): -1", cell.getMessage());
    IllegalArgumentException maybe = assertThrows(IllegalArgumentException.class,
        () -> new Holds(Optional.of(List.of(-2)), List.of(), List.of(), List.of()));
    assertEquals("maybePorts[0] must be a u16 (0 to 65535): -2", maybe.getMessage());
    NullPointerException hole = assertThrows(NullPointerException.class,
        () -> new Holds(Optional.empty(), List.of(Arrays.asList(1, null)), List.of(), List.of()));
    assertEquals("cells[0][1]", hole.getMessage());
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
        () -> new Holds(Optional.empty(), List.of(), List.of("ok", "n".repeat(256)), List.of()));
    assertTrue(name.getMessage().startsWith("names[1] takes 256 bytes"), name.getMessage());
  }

  /**
   * Constructing a record again from a record's 200-element lists allocates the record and
   * nothing per element: no label is built while every check passes. (Building labels eagerly
   * cost about 32 bytes an element, 6,400 bytes here.)
   */
  public static void checkingA200ElementListAllocatesNoLabels() throws Exception {
    List<Integer> ports = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ports.add(i * 300);
      names.add("n" + i);
    }
    Holds decoded = (Holds) Codec.decode(P, Codec.encode(P, new Holds(Optional.empty(), List.of(), names, ports)));
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int rounds = 20_000;
    Holds last = null;
    long start = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < rounds; i++) {
      last = new Holds(decoded.maybePorts(), decoded.cells(), decoded.names(), decoded.ports());
    }
    long perConstruction = (threads.getCurrentThreadAllocatedBytes() - start) / rounds;
    assertEquals(decoded, last);
    System.out.println("constructing Holds with two 200-element lists: " + perConstruction + " bytes allocated");
    assertTrue(perConstruction < 400, perConstruction + " bytes a construction");
  }
}
