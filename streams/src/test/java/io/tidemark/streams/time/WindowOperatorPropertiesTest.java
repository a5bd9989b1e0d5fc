package io.tidemark.streams.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * The engine against a brute-force model written from the text of SPEC §2 alone: on random inputs
 * with disorder and lateness, several computations with different window sizes must give the same
 * results, revisions, firing moments and too-late records as the model.
 */
class WindowOperatorPropertiesTest {

  private static final long BASE = 1_700_000_000_000L;

  record Step(long delta, String key, String user) {}

  record Scenario(
      long outOfOrderness, long lateness, long size1, long size2, long size3, List<Step> steps) {

    WindowSettings settings() {
      return new WindowSettings(
          Duration.ofMillis(outOfOrderness),
          Duration.ofMillis(lateness),
          Duration.ZERO,
          Duration.ZERO);
    }

    List<WindowAggregation<Ev, ?, ?, ?>> computations() {
      return List.of(
          new CountPerKey("small", size1),
          new DistinctUsers("users", size2),
          new CountPerKey("large", size3));
    }

    List<Ev> events() {
      List<Ev> events = new ArrayList<>();
      long ts = BASE;
      for (Step step : steps) {
        ts += step.delta();
        events.add(new Ev(step.key(), step.user(), ts));
      }
      return events;
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Long> delta =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.longs().between(0, 3_000)),
            Tuple.of(1, Arbitraries.longs().between(-10_000, 0)),
            Tuple.of(1, Arbitraries.longs().between(-40_000, 0)));
    Arbitrary<Step> step =
        Combinators.combine(
                delta, Arbitraries.of("a", "b", "c"), Arbitraries.of("u1", "u2", "u3", "u4"))
            .as(Step::new);
    return Combinators.combine(
            Arbitraries.of(0L, 1_000L, 5_000L),
            Arbitraries.of(0L, 3_000L, 20_000L, 60_000L),
            Arbitraries.of(1_000L, 5_000L, 10_000L),
            Arbitraries.of(2_000L, 7_000L),
            Arbitraries.of(3_000L, 60_000L),
            step.list().ofMinSize(5).ofMaxSize(150))
        .as(Scenario::new);
  }

  /** One emitted (or expected) value of a window: when, why, which revision, what value. */
  record Emission(int step, WindowResult.Kind kind, int revision, Object value) {}

  @Property(tries = 400)
  void engineMatchesBruteForceModel(@ForAll("scenarios") Scenario scenario) {
    List<Ev> events = scenario.events();
    Model model = new Model(scenario, events);

    WindowOperator<Ev> operator =
        WindowOperator.create(scenario.computations(), scenario.settings());
    Map<String, List<Emission>> traces = new TreeMap<>();
    Map<String, List<Integer>> tooLate = new TreeMap<>();
    for (int i = 0; i < events.size(); i++) {
      int step = i;
      Ev e = events.get(i);
      Set<String> late =
          operator.onRecord(
              e.ts(),
              e,
              r ->
                  traces
                      .computeIfAbsent(id(r), k -> new ArrayList<>())
                      .add(new Emission(step, r.kind(), r.revision(), r.result())));
      late.forEach(name -> tooLate.computeIfAbsent(name, k -> new ArrayList<>()).add(step));
    }
    operator.endOfInput(
        r ->
            traces
                .computeIfAbsent(id(r), k -> new ArrayList<>())
                .add(new Emission(events.size(), r.kind(), r.revision(), r.result())));

    assertEquals(model.traces, traces);
    assertEquals(model.tooLate, tooLate);
    assertEquals(0, operator.windowCount());
    boolean lateUpdates = traces.values().stream().anyMatch(t -> t.size() > 1);
    Statistics.label("late updates").collect(lateUpdates);
    Statistics.label("too late").collect(!tooLate.isEmpty());
    Statistics.label("late updates").coverage(c -> c.check(true).percentage(p -> p > 20));
    Statistics.label("too late").coverage(c -> c.check(true).percentage(p -> p > 20));
  }

  @Property(tries = 150)
  void restoringASnapshotContinuesAsIfNeverStopped(
      @ForAll("scenarios") Scenario scenario, @ForAll @IntRange(max = 150) int cut) {
    List<Ev> events = scenario.events();
    assertEquals(
        WindowOperatorTest.run(events, -1, scenario.settings()),
        WindowOperatorTest.run(events, Math.min(cut, events.size()), scenario.settings()));
  }

  @Property(tries = 20)
  void longDisorderedRunsRestoreAnywhere(@ForAll @IntRange(min = 0, max = 3000) int cut) {
    List<Ev> events = WindowOperatorTest.disorderedEvents(new Random(cut), 3000);
    assertEquals(
        WindowOperatorTest.run(events, -1, null), WindowOperatorTest.run(events, cut, null));
  }

  private static String id(WindowResult<?, ?> r) {
    return r.computation() + "|" + r.key() + "|" + r.windowStart();
  }

  /**
   * SPEC §2 replayed literally: the watermark is the max ts seen minus the out-of-orderness; an
   * event is too late for a computation when, at its arrival, watermark >= windowEnd + lateness; a
   * window fires at the first step after which the watermark is >= its end (+∞ at the end), and
   * every in-time event arriving after that step emits it again with the next revision.
   */
  static final class Model {
    final Map<String, List<Emission>> traces = new TreeMap<>();
    final Map<String, List<Integer>> tooLate = new TreeMap<>();

    Model(Scenario scenario, List<Ev> events) {
      record Spec(String name, long size, boolean distinct) {}
      List<Spec> specs =
          List.of(
              new Spec("small", scenario.size1(), false),
              new Spec("users", scenario.size2(), true),
              new Spec("large", scenario.size3(), false));
      // window id -> indices of the events counted in it, in arrival order
      Map<String, List<Integer>> members = new LinkedHashMap<>();
      Map<String, Long> ends = new HashMap<>();
      Map<String, Boolean> distinct = new HashMap<>();
      Long watermark = null; // null: no record yet (-∞)
      long[] watermarkAfter = new long[events.size()];
      for (int i = 0; i < events.size(); i++) {
        Ev e = events.get(i);
        for (Spec spec : specs) {
          long start = Math.floorDiv(e.ts(), spec.size()) * spec.size();
          long end = start + spec.size();
          if (watermark != null && watermark >= end + scenario.lateness()) {
            tooLate.computeIfAbsent(spec.name(), k -> new ArrayList<>()).add(i);
            continue;
          }
          String key = spec.distinct() ? "all" : e.key();
          String id = spec.name() + "|" + key + "|" + start;
          members.computeIfAbsent(id, k -> new ArrayList<>()).add(i);
          ends.put(id, end);
          distinct.put(id, spec.distinct());
        }
        long candidate = e.ts() - scenario.outOfOrderness();
        watermark = watermark == null ? candidate : Math.max(watermark, candidate);
        watermarkAfter[i] = watermark;
      }
      for (Map.Entry<String, List<Integer>> window : members.entrySet()) {
        List<Integer> arrivals = window.getValue();
        long end = ends.get(window.getKey());
        int fired = events.size();
        for (int i = arrivals.get(0); i < events.size(); i++) {
          if (watermarkAfter[i] >= end) {
            fired = i;
            break;
          }
        }
        List<Emission> trace = new ArrayList<>();
        int firedAt = fired;
        List<Integer> before = arrivals.stream().filter(j -> j <= firedAt).toList();
        trace.add(
            new Emission(
                fired,
                WindowResult.Kind.FIRED,
                1,
                value(events, before, distinct.get(window.getKey()))));
        int revision = 1;
        for (int j : arrivals) {
          if (j > fired) {
            revision++;
            int upTo = j;
            List<Integer> seen = arrivals.stream().filter(k -> k <= upTo).toList();
            trace.add(
                new Emission(
                    j,
                    WindowResult.Kind.LATE_UPDATE,
                    revision,
                    value(events, seen, distinct.get(window.getKey()))));
          }
        }
        traces.put(window.getKey(), trace);
      }
    }

    private static Object value(List<Ev> events, List<Integer> indices, boolean distinct) {
      if (!distinct) {
        return (long) indices.size();
      }
      Set<String> users = new HashSet<>();
      indices.forEach(i -> users.add(events.get(i).user()));
      return Set.copyOf(users);
    }
  }
}
