package io.tidemark.streams.time;

import static io.tidemark.streams.time.WindowResult.Kind.FIRED;
import static io.tidemark.streams.time.WindowResult.Kind.LATE_UPDATE;
import static io.tidemark.streams.time.WindowResult.Kind.PROVISIONAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WindowOperatorTest {

  private static final long SEC = 1000;
  private static final long MIN = 60 * SEC;
  private static final WindowSettings SETTINGS = WindowSettings.defaults(); // 5 s, 60 s

  private final List<WindowResult<?, ?>> out = new ArrayList<>();

  private static WindowOperator<Ev> minuteCounts() {
    return WindowOperator.create(List.of(new CountPerKey("count", MIN)), SETTINGS);
  }

  private Set<String> feed(WindowOperator<Ev> operator, String key, long ts) {
    out.clear();
    return operator.onRecord(ts, Ev.of(key, ts), out::add);
  }

  private static WindowResult<String, Long> row(
      String key, long start, long size, long count, int revision, WindowResult.Kind kind) {
    return new WindowResult<>("count", key, start, start + size, count, revision, kind);
  }

  @Test
  void windowFiresWhenWatermarkReachesItsEnd() {
    WindowOperator<Ev> operator = minuteCounts();
    feed(operator, "a", 10 * SEC);
    feed(operator, "a", MIN - 1); // last millisecond of [0, 1 min)
    feed(operator, "a", MIN + 5 * SEC - 1); // watermark 1 min - 1 ms: not yet
    assertEquals(List.of(), out);
    feed(operator, "a", MIN + 5 * SEC); // watermark exactly 1 min
    assertEquals(List.of(row("a", 0, MIN, 2, 1, FIRED)), out);
  }

  @Test
  void timestampAtWindowEndBelongsToNextWindow() {
    WindowOperator<Ev> operator = minuteCounts();
    feed(operator, "a", MIN);
    operator.endOfInput(out::add);
    assertEquals(List.of(row("a", MIN, MIN, 1, 1, FIRED)), out);
  }

  @Test
  void negativeTimestampsAlignToTheEpoch() {
    WindowOperator<Ev> operator = minuteCounts();
    feed(operator, "a", -1);
    operator.endOfInput(out::add);
    assertEquals(List.of(row("a", -MIN, MIN, 1, 1, FIRED)), out);
  }

  @Test
  void lateEventUpdatesFiredWindow() {
    WindowOperator<Ev> operator = minuteCounts();
    feed(operator, "a", 10 * SEC);
    feed(operator, "a", 66 * SEC); // watermark 61 s: [0, 1 min) fires with 1
    assertEquals(List.of(row("a", 0, MIN, 1, 1, FIRED)), out);

    assertEquals(Set.of(), feed(operator, "a", 30 * SEC));
    assertEquals(List.of(row("a", 0, MIN, 2, 2, LATE_UPDATE)), out);
    feed(operator, "a", 31 * SEC);
    assertEquals(List.of(row("a", 0, MIN, 3, 3, LATE_UPDATE)), out);
  }

  @Test
  void lateEventCreatesNeverFiredWindow() {
    WindowOperator<Ev> operator = minuteCounts();
    feed(operator, "a", 200 * SEC); // watermark 195 s, past the end of [2 min, 3 min)
    feed(operator, "x", 150 * SEC); // no window for x there yet: created and fired at once
    assertEquals(List.of(row("x", 2 * MIN, MIN, 1, 1, FIRED)), out);
    feed(operator, "x", 151 * SEC);
    assertEquals(List.of(row("x", 2 * MIN, MIN, 2, 2, LATE_UPDATE)), out);
  }

  @Test
  void tooLateEventIsDeadLetteredPerComputation() {
    WindowOperator<Ev> operator =
        WindowOperator.create(
            List.of(new CountPerKey("minute", MIN), new CountPerKey("five", 5 * MIN)), SETTINGS);
    feed(operator, "a", 185 * SEC); // watermark 180 s = end of [0, 1 min) + 60 s + 60 s
    assertEquals(Set.of("minute"), feed(operator, "a", 50 * SEC));
    assertEquals(List.of(), out, "too late for minute, counted in the open five-minute window");

    feed(operator, "a", 365 * SEC); // watermark 360 s = end of [0, 5 min) + 60 s
    assertEquals(
        List.of(
            new WindowResult<>("minute", "a", 3 * MIN, 4 * MIN, 1L, 1, FIRED),
            new WindowResult<>("five", "a", 0L, 5 * MIN, 2L, 1, FIRED)),
        out);
    Set<String> both = feed(operator, "a", 10 * SEC);
    assertEquals(List.of("minute", "five"), List.copyOf(both), "in computation order");
    assertEquals(List.of(), out);
  }

  @Test
  void tooLateBoundaryIsWindowEndPlusAllowedLateness() {
    WindowOperator<Ev> operator = minuteCounts();
    feed(operator, "a", 125 * SEC - 1); // watermark 2 min - 1 ms
    assertEquals(Set.of(), feed(operator, "a", MIN - 1));
    assertEquals(List.of(row("a", 0, MIN, 1, 1, FIRED)), out, "late, never fired: fires now");
    feed(operator, "b", 125 * SEC); // watermark exactly end + lateness
    assertEquals(Set.of("count"), feed(operator, "a", MIN - 1));
    assertEquals(List.of(), out);
    assertEquals(Set.of(), feed(operator, "a", MIN), "next window still in time");
  }

  @Test
  void watermarkNeverGoesBackwards() {
    WindowOperator<Ev> operator = minuteCounts();
    assertEquals(Long.MIN_VALUE, operator.watermark());
    feed(operator, "a", 100 * SEC);
    assertEquals(95 * SEC, operator.watermark());
    feed(operator, "a", 50 * SEC);
    assertEquals(95 * SEC, operator.watermark());
    feed(operator, "a", 101 * SEC);
    assertEquals(96 * SEC, operator.watermark());
  }

  @Test
  void purgeAfterAllowedLateness() {
    WindowOperator<Ev> operator = minuteCounts();
    feed(operator, "a", 10 * SEC);
    feed(operator, "b", 70 * SEC); // [0, 1 min) fired, kept for late events
    assertEquals(2, operator.windowCount());
    feed(operator, "b", 125 * SEC - 1); // watermark 2 min - 1 ms: still kept
    assertEquals(3, operator.windowCount());
    feed(operator, "b", 125 * SEC); // watermark 2 min: [0, 1 min) purged
    assertEquals(2, operator.windowCount(), "[1 min, 2 min) and [2 min, 3 min) for b");
    assertTrue(
        operator.snapshot().computations().get(0).windows().stream()
            .allMatch(w -> w.windowStart() >= MIN));
  }

  @Test
  void endOfInputFiresEverything() {
    WindowSettings patient =
        new WindowSettings(
            Duration.ofMinutes(10), Duration.ofSeconds(60), Duration.ZERO, Duration.ZERO);
    WindowOperator<Ev> operator =
        WindowOperator.create(List.of(new CountPerKey("count", MIN)), patient);
    feed(operator, "b", 130 * SEC);
    feed(operator, "a", 10 * SEC);
    feed(operator, "c", 70 * SEC);
    feed(operator, "a", 140 * SEC);
    out.clear();
    operator.endOfInput(out::add);
    assertEquals(
        List.of(
            row("a", 0, MIN, 1, 1, FIRED),
            row("c", MIN, MIN, 1, 1, FIRED),
            row("a", 2 * MIN, MIN, 1, 1, FIRED),
            row("b", 2 * MIN, MIN, 1, 1, FIRED)),
        out,
        "by window start, then key");
    assertEquals(0, operator.windowCount());
    assertEquals(Long.MAX_VALUE, operator.watermark());
  }

  @Test
  void provisionalReportsOpenWindowsOnly() {
    WindowOperator<Ev> operator = minuteCounts();
    feed(operator, "a", 10 * SEC);
    feed(operator, "a", 70 * SEC); // [0, 1 min) fired
    feed(operator, "b", 80 * SEC);
    out.clear();
    operator.provisional(out::add);
    assertEquals(
        List.of(row("a", MIN, MIN, 1, 0, PROVISIONAL), row("b", MIN, MIN, 1, 0, PROVISIONAL)), out);
    feed(operator, "b", 81 * SEC);
    assertEquals(List.of(), out, "provisional values do not count as firings");
  }

  @Test
  void memoryStaysBoundedOnLongInOrderStream() {
    WindowOperator<Ev> operator = minuteCounts();
    int maxWindows = 0;
    for (int i = 0; i < 200_000; i++) {
      feed(operator, "k" + (i % 10), i * 100L); // 10 keys, 5.5 hours
      maxWindows = Math.max(maxWindows, operator.windowCount());
    }
    // Per key at most: fired windows within lateness (2) and the open one.
    assertTrue(maxWindows <= 30, "held windows " + maxWindows);
  }

  @Test
  void snapshotRestoreMidStreamEqualsUninterruptedRun() {
    List<Ev> events = disorderedEvents(new Random(7), 5_000);
    List<Object> uninterrupted = run(events, 0, null);
    for (int cut : new int[] {0, 1, 1234, 2500, 4999, 5000}) {
      assertEquals(uninterrupted, run(events, cut, null), "cut at " + cut);
    }
  }

  @Test
  void snapshotRejectsForeignBytesAndOtherWindowSizes() {
    WindowOperator<Ev> operator = minuteCounts();
    feed(operator, "a", 10 * SEC);
    byte[] bytes = operator.snapshot().toBytes();
    assertEquals(operator.snapshot(), WindowSnapshot.fromBytes(bytes));
    assertThrows(IllegalArgumentException.class, () -> WindowSnapshot.fromBytes(new byte[] {1, 2}));
    assertThrows(
        IllegalArgumentException.class,
        () -> WindowSnapshot.fromBytes(java.util.Arrays.copyOf(bytes, bytes.length - 3)));
    WindowOperator<Ev> other =
        WindowOperator.create(List.of(new CountPerKey("count", 2 * MIN)), SETTINGS);
    assertThrows(IllegalArgumentException.class, () -> other.restore(operator.snapshot()));
  }

  /** Random keys, ts drifting forward with jumps back beyond the allowed lateness. */
  static List<Ev> disorderedEvents(Random random, int count) {
    List<Ev> events = new ArrayList<>();
    long ts = 1_700_000_000_000L;
    for (int i = 0; i < count; i++) {
      ts += random.nextInt(3 * (int) SEC);
      long jitter = random.nextInt(10) == 0 ? random.nextInt(3 * (int) MIN) : 0;
      String user = "u" + random.nextInt(20);
      events.add(new Ev("k" + random.nextInt(4), user, ts - jitter));
    }
    return events;
  }

  /**
   * All outputs of a run over two computations (results, verdicts, final flush), restarting from a
   * byte snapshot after {@code cut} events.
   */
  static List<Object> run(List<Ev> events, int cut, WindowSettings settings) {
    WindowSettings s = settings == null ? SETTINGS : settings;
    List<WindowAggregation<Ev, ?, ?, ?>> computations =
        List.of(new CountPerKey("count", MIN), new DistinctUsers("users", 5 * MIN));
    WindowOperator<Ev> operator = WindowOperator.create(computations, s);
    List<Object> outputs = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      if (i == cut) {
        byte[] bytes = operator.snapshot().toBytes();
        operator = WindowOperator.create(computations, s);
        operator.restore(WindowSnapshot.fromBytes(bytes));
      }
      Ev e = events.get(i);
      outputs.add(operator.onRecord(e.ts(), e, outputs::add));
    }
    operator.endOfInput(outputs::add);
    return outputs;
  }
}
