package io.tidemark.streams.clicks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.junit.jupiter.api.Test;

class VisitorsTest {

  private static HllSketch hll(int from, int to) {
    HllSketch sketch = new HllSketch(14, TgtHllType.HLL_4);
    for (int i = from; i < to; i++) {
      sketch.update("u" + i);
    }
    return sketch;
  }

  private static Set<String> users(int from, int to) {
    Set<String> users = new HashSet<>();
    for (int i = from; i < to; i++) {
      users.add("u" + i);
    }
    return users;
  }

  private static void assertWithinThreePercent(long expected, long actual) {
    assertTrue(Math.abs(actual - expected) <= 0.03 * expected, actual + " vs " + expected);
  }

  @Test
  void mergingPartitionsCountsSharedVisitorsOnce() {
    Visitors merged =
        Visitors.merge(List.of(Visitors.of(hll(0, 30_000)), Visitors.of(hll(20_000, 60_000))));
    assertWithinThreePercent(60_000, merged.visitors());
    assertEquals(merged.visitors(), Visitors.fromSketch(merged.sketch()).visitors());
  }

  @Test
  void mergingExactSetsIsExact() {
    Visitors merged =
        Visitors.merge(List.of(Visitors.exact(users(0, 150)), Visitors.exact(users(100, 190))));
    assertEquals(Visitors.exact(users(0, 190)), merged);
  }

  @Test
  void mergingExactIntoHllAddsItsUsers() {
    Visitors merged =
        Visitors.merge(List.of(Visitors.of(hll(0, 20_000)), Visitors.exact(users(15_000, 25_000))));
    assertWithinThreePercent(25_000, merged.visitors());
  }

  @Test
  void mergingOneOrNoneChangesNothing() {
    Visitors one = Visitors.of(hll(0, 1_000));
    assertEquals(one, Visitors.merge(List.of(one)));
    assertEquals(Visitors.empty(), Visitors.merge(List.of()));
    assertEquals(0, Visitors.empty().visitors());
  }

  @Test
  void exactSetsHaveOneEncoding() {
    assertEquals(
        Visitors.exact(Set.of("a", "b", "c")),
        Visitors.exact(new HashSet<>(List.of("c", "b", "a"))));
    assertEquals(Set.of("é", "x"), VisitorSet.fromBytes(VisitorSet.toBytes(Set.of("x", "é"))));
    assertThrows(
        IllegalArgumentException.class, () -> VisitorSet.fromBytes(new byte[] {'T', 'X', 1, 0}));
  }
}
