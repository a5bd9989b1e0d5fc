package io.tidemark.streams.time;

import static io.tidemark.streams.time.WindowResult.Kind.FIRED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WindowStageTest {

  private static final long SEC = 1000;
  private static final long MIN = 60 * SEC;
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final WindowSettings QUIET =
      WindowSettings.defaults().withEarlyFiringInterval(Duration.ZERO);

  private static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("WindowStageTest");
  }

  @AfterAll
  static void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Flow<Timed<Ev>, WindowOutput, NotUsed> counts(
      WindowSettings settings, Optional<WindowSnapshot> restoreFrom) {
    return WindowStage.flow(List.of(new CountPerKey("count", MIN)), settings, restoreFrom);
  }

  private static Pair<TestPublisher.Probe<Timed<Ev>>, TestSubscriber.Probe<WindowOutput>> probes(
      Flow<Timed<Ev>, WindowOutput, NotUsed> flow) {
    return TestSource.<Timed<Ev>>create(system)
        .via(flow)
        .toMat(TestSink.create(system), Keep.both())
        .addAttributes(Attributes.inputBuffer(1, 1))
        .run(system);
  }

  private static Timed<Ev> record(long offset, String key, long ts) {
    return new Timed<>(offset, ts, Ev.of(key, ts));
  }

  private static WindowResult<String, Long> fired(String key, long start, long count) {
    return new WindowResult<>("count", key, start, start + MIN, count, 1, FIRED);
  }

  private static Verdict<Ev> inTime(Timed<Ev> record) {
    // records of these tests arrive in order: the watermark trails each by 5 s
    return new Verdict<>(record.offset(), record.event(), Set.of(), record.ts() - 5 * SEC);
  }

  @Test
  void resultsPrecedeTheVerdictOfTheRecordThatCausedThem() {
    var p = probes(counts(QUIET, Optional.empty()));
    Timed<Ev> a = record(0, "a", 10 * SEC);
    Timed<Ev> b = record(1, "b", 70 * SEC);
    p.second().request(3);
    p.first().sendNext(a).sendNext(b);
    p.second().expectNext(inTime(a), fired("a", 0, 1), inTime(b));
  }

  @Test
  void pullsNoRecordWhileOutputsOfThePreviousOneWait() {
    var p = probes(counts(QUIET, Optional.empty()));
    TestPublisher.Probe<Timed<Ev>> upstream = p.first();
    TestSubscriber.Probe<WindowOutput> downstream = p.second();
    List<Timed<Ev>> first = List.of(record(0, "a", 10 * SEC), record(1, "b", 11 * SEC));
    downstream.request(2);
    first.forEach(upstream::sendNext);
    downstream.expectNext(inTime(first.get(0)), inTime(first.get(1)));

    Timed<Ev> closer = record(2, "c", 70 * SEC); // fires a and b: three outputs
    downstream.request(1);
    upstream.sendNext(closer);
    downstream.expectNext(fired("a", 0, 1));
    Timed<Ev> next = record(3, "c", 71 * SEC);
    upstream.sendNext(next); // fills the one-element input buffer
    upstream.expectNoMessage(Duration.ofMillis(300)); // and nothing more is requested

    downstream.request(10);
    downstream.expectNext(fired("b", 0, 1), inTime(closer), inTime(next));
    assertTrue(upstream.expectRequest() > 0, "pulls again once its outputs are taken");
  }

  @Test
  void completionFlushesOpenWindows() {
    var p = probes(counts(QUIET, Optional.empty()));
    Timed<Ev> a = record(0, "a", 10 * SEC);
    Timed<Ev> b = record(1, "b", 70 * SEC);
    p.second().request(100);
    p.first().sendNext(a).sendNext(b).sendComplete();
    p.second()
        .expectNext(inTime(a), fired("a", 0, 1), inTime(b), fired("b", MIN, 1))
        .expectComplete();
  }

  @Test
  void upstreamFailureFailsTheStage() {
    var p = probes(counts(QUIET, Optional.empty()));
    RuntimeException boom = new RuntimeException("boom");
    p.second().request(1);
    p.first().sendError(boom);
    assertSame(boom, p.second().expectError());
  }

  @Test
  void earlyFiringsEmitProvisionalValuesOfOpenWindows() {
    WindowSettings early = QUIET.withEarlyFiringInterval(Duration.ofMillis(20));
    var p = probes(counts(early, Optional.empty()));
    p.second().request(1000);
    p.first().sendNext(record(0, "a", 10 * SEC)).sendNext(record(1, "a", 20 * SEC));
    WindowResult<?, ?> live = awaitProvisional(p.second(), 2L);
    assertEquals(0, live.revision());
    assertEquals(
        new WindowResult<>("count", "a", 0L, MIN, 2L, 0, WindowResult.Kind.PROVISIONAL), live);
  }

  private static WindowResult<?, ?> awaitProvisional(
      TestSubscriber.Probe<WindowOutput> probe, Object value) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      WindowOutput next = probe.expectNext(DEADLINE);
      if (next instanceof WindowResult<?, ?> r
          && r.kind() == WindowResult.Kind.PROVISIONAL
          && r.result().equals(value)) {
        return r;
      }
    }
    throw new AssertionError("no provisional value " + value + " within " + DEADLINE);
  }

  @Test
  void outputsEqualTheOperatorsOnTheSameInput() throws Exception {
    List<Ev> events = WindowOperatorTest.disorderedEvents(new Random(3), 2000);
    List<WindowOutput> staged = runStage(QUIET, Optional.empty(), timed(events, 0));

    WindowOperator<Ev> operator =
        WindowOperator.create(List.of(new CountPerKey("count", MIN)), QUIET);
    List<WindowOutput> direct = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Ev e = events.get(i);
      Set<String> late = operator.onRecord(e.ts(), e, direct::add);
      direct.add(new Verdict<>(i, e, late, operator.watermark()));
    }
    operator.endOfInput(direct::add);
    assertEquals(direct, staged);
  }

  @Test
  void checkpointRestoresTheStageAsIfItNeverStopped() throws Exception {
    List<Timed<Ev>> records = timed(WindowOperatorTest.disorderedEvents(new Random(5), 600), 0);
    List<WindowOutput> uninterrupted = runStage(QUIET, Optional.empty(), records);

    WindowSettings checkpointing = QUIET.withCheckpointInterval(Duration.ofMillis(20));
    var p = probes(counts(checkpointing, Optional.empty()));
    List<WindowOutput> before = new ArrayList<>();
    p.second().request(Long.MAX_VALUE);
    records.subList(0, 300).forEach(p.first()::sendNext);
    Checkpoint checkpoint = null;
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (checkpoint == null || checkpoint.offset() != 299) {
      assertTrue(System.nanoTime() < deadline, "no checkpoint after the last record");
      WindowOutput next = p.second().expectNext(DEADLINE);
      if (next instanceof Checkpoint c) {
        checkpoint = c;
      } else {
        before.add(next);
      }
    }
    p.second().cancel();

    WindowSnapshot restored = WindowSnapshot.fromBytes(checkpoint.snapshot().toBytes());
    List<WindowOutput> after = runStage(QUIET, Optional.of(restored), records.subList(300, 600));
    List<WindowOutput> resumed = new ArrayList<>(before);
    resumed.addAll(after);
    assertEquals(uninterrupted, resumed);
  }

  @Test
  void checkpointsAreOnlyEmittedAfterNewRecords() {
    WindowSettings checkpointing = QUIET.withCheckpointInterval(Duration.ofMillis(10));
    var p = probes(counts(checkpointing, Optional.empty()));
    p.second().request(100);
    Timed<Ev> a = record(7, "a", 10 * SEC);
    p.first().sendNext(a);
    p.second().expectNext(inTime(a));
    Checkpoint c = assertInstanceOf(Checkpoint.class, p.second().expectNext(DEADLINE));
    assertEquals(7, c.offset());
    assertEquals(1, c.snapshot().windowCount());
    p.second().expectNoMessage(Duration.ofMillis(100));
  }

  private static List<Timed<Ev>> timed(List<Ev> events, long firstOffset) {
    List<Timed<Ev>> records = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      records.add(new Timed<>(firstOffset + i, events.get(i).ts(), events.get(i)));
    }
    return records;
  }

  private static List<WindowOutput> runStage(
      WindowSettings settings, Optional<WindowSnapshot> restoreFrom, List<Timed<Ev>> records)
      throws Exception {
    return Source.from(records)
        .via(counts(settings, restoreFrom))
        .runWith(Sink.seq(), system)
        .toCompletableFuture()
        .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }
}
