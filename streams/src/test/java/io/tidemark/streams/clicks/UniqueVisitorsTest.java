package io.tidemark.streams.clicks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.streams.clicks.UniqueVisitors.Estimator;
import io.tidemark.streams.event.Click;
import io.tidemark.streams.time.WindowOperator;
import io.tidemark.streams.time.WindowResult;
import io.tidemark.streams.time.WindowSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class UniqueVisitorsTest {

  private static final long FIVE_MIN = 5 * 60_000L;
  private static final long T0 = 1_732_300_000_000L - Math.floorMod(1_732_300_000_000L, FIVE_MIN);

  private static Click click(String user, long ts) {
    return new Click("c", user, "https://shop.example/", ts);
  }

  /** One window per entry with that many distinct users, in order; returns the fired values. */
  private static List<Visitors> fire(Estimator estimator, int[] distinctPerWindow, long seed) {
    WindowOperator<Click> operator =
        WindowOperator.create(
            List.of(new UniqueVisitors(FIVE_MIN, estimator, 14)), WindowSettings.defaults());
    Random random = new Random(seed);
    List<Visitors> fired = new ArrayList<>();
    Consumer<WindowResult<?, ?>> collect = r -> fired.add((Visitors) r.result());
    for (int w = 0; w < distinctPerWindow.length; w++) {
      long start = T0 + w * FIVE_MIN;
      int users = distinctPerWindow[w];
      for (int i = 0; i < users * 2; i++) {
        // every user at least once, half of them again
        String user = "u-" + seed + "-" + w + "-" + (i < users ? i : random.nextInt(users));
        long ts = start + (i % 290_000);
        operator.onRecord(ts, click(user, ts), collect);
      }
    }
    operator.endOfInput(collect);
    return fired;
  }

  @Test
  void hllErrorStaysWithinThreePercent() {
    int[] sizes = {10_000, 25_000, 50_000, 100_000};
    List<Visitors> fired = fire(Estimator.HLL, sizes, 1);
    for (int i = 0; i < sizes.length; i++) {
      double error = Math.abs(fired.get(i).visitors() - sizes[i]) / (double) sizes[i];
      assertTrue(error <= 0.03, sizes[i] + " users estimated " + fired.get(i).visitors());
    }
  }

  @Test
  void hllIsExactBelowTwoHundredVisitors() {
    for (int n = 1; n < 200; n++) {
      UniqueVisitors visitors = new UniqueVisitors(FIVE_MIN, Estimator.HLL, 14);
      UniqueVisitors.Accumulator accumulator = visitors.createAccumulator();
      for (int i = 0; i < n; i++) {
        visitors.add(accumulator, click("user-" + n + "-" + i, T0));
        visitors.add(accumulator, click("user-" + n + "-" + i, T0 + 1));
      }
      assertEquals(n, visitors.result(accumulator).visitors(), "for " + n + " visitors");
    }
  }

  @Test
  void exactModeCountsExactly() {
    int[] sizes = {1, 199, 12_345};
    List<Visitors> fired = fire(Estimator.EXACT, sizes, 2);
    for (int i = 0; i < sizes.length; i++) {
      assertEquals(sizes[i], fired.get(i).visitors());
      assertEquals(sizes[i], Visitors.fromSketch(fired.get(i).sketch()).visitors());
    }
  }

  @Test
  void everyWindowIsSiteWide() {
    WindowOperator<Click> operator =
        WindowOperator.create(
            List.of(new UniqueVisitors(FIVE_MIN, Estimator.EXACT, 14)), WindowSettings.defaults());
    List<WindowResult<?, ?>> out = new ArrayList<>();
    operator.onRecord(T0, new Click("c1", "u1", "https://a.example/x", T0), out::add);
    operator.onRecord(T0 + 1, new Click("c2", "u2", "https://b.example/y", T0 + 1), out::add);
    operator.onRecord(T0 + 2, new Click("c3", "u1", "https://b.example/y", T0 + 2), out::add);
    operator.endOfInput(out::add);
    assertEquals(1, out.size());
    assertEquals(UniqueVisitors.SITE, out.get(0).key());
    assertEquals(Visitors.exact(Set.of("u1", "u2")), out.get(0).result());
  }

  @Test
  void accumulatorsSurviveSerialization() {
    for (Estimator estimator : Estimator.values()) {
      UniqueVisitors visitors = new UniqueVisitors(FIVE_MIN, estimator, 12);
      UniqueVisitors.Accumulator accumulator = visitors.createAccumulator();
      for (int i = 0; i < 5_000; i++) {
        visitors.add(accumulator, click("u" + i, T0));
      }
      UniqueVisitors.Accumulator copy =
          visitors.deserializeAccumulator(visitors.serializeAccumulator(accumulator));
      assertEquals(visitors.result(accumulator), visitors.result(copy), estimator.name());
      visitors.add(accumulator, click("new", T0));
      visitors.add(copy, click("new", T0));
      assertArrayEquals(
          visitors.serializeAccumulator(accumulator), visitors.serializeAccumulator(copy));
    }
  }

  @Test
  void lgKOutsideDataSketchesRangeIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new UniqueVisitors(FIVE_MIN, Estimator.HLL, 3));
    assertThrows(
        IllegalArgumentException.class, () -> new UniqueVisitors(FIVE_MIN, Estimator.HLL, 22));
  }
}
