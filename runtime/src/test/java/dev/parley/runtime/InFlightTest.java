package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The keyed tables of requests in flight against a {@link HashMap}: their chains lose and misplace
 * nothing through any run of adds, matches and removes, shared buckets, negative keys and (by key)
 * unequal keys of equal hash included; and quiet requests are settled by the first later reply, by
 * key or int key alike; and a sweep for deadlines fails only what is due, once. Failures name
 * their seed; {@code -Dparley.seed=N} replays.
 */
class InFlightTest {

  /** A key whose hash collides with many others': the table must tell them apart by {@code equals}. */
  private record Colliding(int value) {
    @Override
    public int hashCode() {
      return Math.floorMod(value, 5);
    }
  }

  private static InFlight<Integer, Integer> intTable(int maxInFlight) {
    return Correlation.<Integer, Integer>byIntKey(key -> key, key -> key).newInFlight(maxInFlight);
  }

  private static InFlight<Integer, Integer> collidingTable(int maxInFlight) {
    return Correlation.<Integer, Integer, Colliding>byKey(Colliding::new, Colliding::new).newInFlight(maxInFlight);
  }

  private static PendingRequest<Integer, ?> registered(InFlight<Integer, Integer> table, int key,
      PendingRequest<Integer, ?> request) {
    table.keyOf(request, key);
    return table.add(request) == null ? request : null;
  }

  @Test
  void theIntKeyedTableFindsWhatAHashMapWouldThroughAnyRunOfAddsMatchesAndRemoves() {
    keyedTableFindsWhatAHashMapWould(InFlightTest::intTable);
  }

  @Test
  void theKeyedTableFindsWhatAHashMapWouldThroughAnyRunOfAddsMatchesAndRemoves() {
    keyedTableFindsWhatAHashMapWould(InFlightTest::collidingTable);
  }

  private static void keyedTableFindsWhatAHashMapWould(IntFunction<InFlight<Integer, Integer>> tables) {
    long seed = FramingPropertiesTest.seed();
    SplittableRandom random = new SplittableRandom(seed);
    for (int run = 0; run < 300; run++) {
      int max = 1 + random.nextInt(40);
      int keySpace = max * (1 + random.nextInt(4));
      boolean spread = random.nextBoolean();
      InFlight<Integer, Integer> table = tables.apply(max);
      Map<Integer, PendingRequest<Integer, ?>> model = new HashMap<>();
      for (int op = 0; op < 2_000; op++) {
        int r = run;
        int o = op;
        Supplier<String> where = () -> "run " + r + ", op " + o + "; rerun with -Dparley.seed=" + seed;
        int key = random.nextInt(keySpace);
        if (spread) {
          key = key * -40_503 + 17; // negative keys, far apart
        }
        switch (random.nextInt(3)) {
          case 0 -> {
            if (model.size() < max) {
              PendingRequest<Integer, ?> added = registered(table, key, new PendingRequest.One<>());
              assertEquals(!model.containsKey(key), added != null, where);
              if (added != null) {
                model.put(key, added);
              }
            }
          }
          case 1 -> assertSame(model.remove(key), table.match(key, new ArrayList<>()), where);
          default -> {
            if (!model.isEmpty()) {
              List<Integer> keys = new ArrayList<>(model.keySet());
              PendingRequest<Integer, ?> removed = model.remove(keys.get(random.nextInt(keys.size())));
              assertTrue(table.remove(removed), where);
              assertFalse(table.remove(removed), where);
            }
          }
        }
        assertEquals(model.size(), table.size(), where);
      }
      List<PendingRequest<Integer, ?>> drained = new ArrayList<>();
      table.drainTo(drained);
      assertEquals(new HashSet<>(model.values()), new HashSet<>(drained), "rerun with -Dparley.seed=" + seed);
      assertEquals(0, table.size());
    }
  }

  @Test
  void aRequestOfSeveralFramesStaysUnderItsKeyUntilItIsRemoved() {
    InFlight<Integer, Integer> table = intTable(4);
    PendingRequest<Integer, ?> rows = registered(table, 9, new PendingRequest.Many<Integer>(frame -> false));
    assertSame(rows, table.match(9, new ArrayList<>()));
    assertSame(rows, table.match(9, new ArrayList<>()), "still there for the next frame");
    assertTrue(table.remove(rows));
    assertNull(table.match(9, new ArrayList<>()));
  }

  @Test
  void theFirstReplyToALaterRequestSettlesEveryQuietOneBeforeIt() {
    List<InFlight<Integer, Integer>> tables = List.of(intTable(16), collidingTable(16));
    for (InFlight<Integer, Integer> table : tables) {
      PendingRequest<Integer, ?> quiet1 = registered(table, 1, new PendingRequest.Quiet<>());
      PendingRequest<Integer, ?> quiet2 = registered(table, 2, new PendingRequest.Quiet<>());
      PendingRequest<Integer, ?> hit3 = registered(table, 3, new PendingRequest.Quiet<>());
      PendingRequest<Integer, ?> quiet4 = registered(table, 4, new PendingRequest.Quiet<>());
      PendingRequest<Integer, ?> noop = registered(table, 5, new PendingRequest.One<>());
      List<PendingRequest<Integer, ?>> unanswered = new ArrayList<>();
      assertSame(hit3, table.match(3, unanswered), table.getClass().getSimpleName());
      assertEquals(List.of(quiet1, quiet2), unanswered, "those before the hit");
      unanswered.clear();
      assertSame(noop, table.match(5, unanswered));
      assertEquals(List.of(quiet4), unanswered, "and the one after it, by the no-op's reply");
      assertEquals(0, table.size());
    }
  }

  @Test
  void aSweepFailsOnlyTheTimedRequestsWhoseTimeHasPassedAndLeavesThemInFlight() {
    List<InFlight<Integer, Integer>> tables = List.of(intTable(16), collidingTable(16),
        Correlation.<Integer, Integer>inOrder().newInFlight(16));
    for (InFlight<Integer, Integer> table : tables) {
      String which = table.getClass().getSimpleName();
      PendingRequest<Integer, ?> early = registered(table, 1, timed(new PendingRequest.One<>(), 10));
      PendingRequest<Integer, ?> answered = registered(table, 2, timed(new PendingRequest.One<>(), 20));
      PendingRequest<Integer, ?> untimed = registered(table, 3, new PendingRequest.One<>());
      PendingRequest<Integer, ?> late = registered(table, 4, timed(new PendingRequest.One<>(), 30));
      if (table instanceof InFlight.InOrder) {
        assertTrue(table.remove(answered), which); // in order, only the oldest's reply could be matched
      } else {
        assertSame(answered, table.match(2, new ArrayList<>()), which);
      }
      List<PendingRequest<Integer, ?>> expired = new ArrayList<>();
      assertTrue(table.expire(25, expired), "one timed request is left: " + which);
      assertEquals(List.of(early), expired, which);
      assertEquals(3, table.size(), "a request whose time passed stays in flight until its reply: " + which);
      expired.clear();
      assertTrue(table.expire(25, expired), which);
      assertEquals(List.of(), expired, "a request is failed once: " + which);
      assertTrue(table.remove(late), which);
      assertFalse(table.expire(100, expired), "its reply took it off the list: " + which);
      assertEquals(List.of(), expired, which);
      assertTrue(table.remove(untimed) && table.remove(early), which);
    }
  }

  private static PendingRequest<Integer, ?> timed(PendingRequest<Integer, ?> request, long deadline) {
    request.timeoutNanos = deadline;
    request.deadline = deadline;
    return request;
  }
}
