package io.tidemark.streams.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
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

class WindowBatchStageTest {

  private static final long MIN = 60_000;
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final WindowSettings QUIET =
      WindowSettings.defaults().withEarlyFiringInterval(Duration.ZERO);

  private static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("WindowBatchStageTest");
  }

  @AfterAll
  static void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static List<WindowAggregation<Ev, ?, ?, ?>> computations() {
    return List.of(new CountPerKey("count", MIN), new DistinctUsers("users", 5 * MIN));
  }

  @Test
  void outputsEqualThoseOfOneRecordAtATimeWhateverTheBatches() throws Exception {
    for (int seed = 0; seed < 5; seed++) {
      Random random = new Random(seed);
      List<Timed<Ev>> records = timed(WindowOperatorTest.disorderedEvents(random, 3000));
      List<WindowOutput> single =
          Source.from(records)
              .via(WindowStage.flow(computations(), QUIET))
              .runWith(Sink.seq(), system)
              .toCompletableFuture()
              .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

      List<List<WindowOutput>> batched = runBatches(batches(records, random), Optional.empty());

      List<WindowOutput> flattened = new ArrayList<>();
      batched.forEach(flattened::addAll);
      assertEquals(single, flattened, "seed " + seed);
      assertTrue(batched.stream().noneMatch(List::isEmpty), "an empty list was emitted");
    }
  }

  @Test
  void emptyBatchEmitsNothingAndTheNextIsStillTaken() {
    var p = probes(WindowBatchStage.flow(computations(), QUIET, Optional.empty()));
    p.second().request(10);
    p.first().sendNext(List.of());
    Timed<Ev> a = new Timed<>(3, 10_000, Ev.of("a", 10_000));
    p.first().sendNext(List.of(a));
    List<WindowOutput> outputs = p.second().expectNext(DEADLINE);
    assertEquals(1, outputs.size());
    Verdict<?> verdict = assertInstanceOf(Verdict.class, outputs.get(0));
    assertEquals(3, verdict.offset());
  }

  @Test
  void checkpointFollowsTheLastRecordOfABatchAndRestoresTheStage() throws Exception {
    List<Timed<Ev>> records = timed(WindowOperatorTest.disorderedEvents(new Random(7), 800));
    List<WindowOutput> uninterrupted = flatten(runBatches(List.of(records), Optional.empty()));

    WindowSettings checkpointing = QUIET.withCheckpointInterval(Duration.ofMillis(20));
    var p = probes(WindowBatchStage.flow(computations(), checkpointing, Optional.empty()));
    p.second().request(Long.MAX_VALUE);
    p.first().sendNext(records.subList(0, 250));
    p.first().sendNext(records.subList(250, 400));
    List<WindowOutput> before = new ArrayList<>();
    Checkpoint checkpoint = null;
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (checkpoint == null || checkpoint.offset() != 399) {
      assertTrue(System.nanoTime() < deadline, "no checkpoint after the last batch");
      List<WindowOutput> next = p.second().expectNext(DEADLINE);
      if (next.get(0) instanceof Checkpoint c) {
        assertEquals(1, next.size());
        checkpoint = c;
      } else {
        before.addAll(next);
      }
    }
    p.second().cancel();

    WindowSnapshot restored = WindowSnapshot.fromBytes(checkpoint.snapshot().toBytes());
    List<WindowOutput> resumed = new ArrayList<>(before);
    resumed.addAll(flatten(runBatches(List.of(records.subList(400, 800)), Optional.of(restored))));
    assertEquals(uninterrupted, resumed);
  }

  private static List<List<Timed<Ev>>> batches(List<Timed<Ev>> records, Random random) {
    List<List<Timed<Ev>>> batches = new ArrayList<>();
    int i = 0;
    while (i < records.size()) {
      int size = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 3 : 400);
      int end = Math.min(records.size(), i + size);
      batches.add(records.subList(i, end));
      i = end;
    }
    return batches;
  }

  private static List<List<WindowOutput>> runBatches(
      List<List<Timed<Ev>>> batches, Optional<WindowSnapshot> restoreFrom) throws Exception {
    return Source.from(batches)
        .via(WindowBatchStage.flow(computations(), QUIET, restoreFrom))
        .runWith(Sink.seq(), system)
        .toCompletableFuture()
        .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  private static List<WindowOutput> flatten(List<List<WindowOutput>> lists) {
    List<WindowOutput> all = new ArrayList<>();
    lists.forEach(all::addAll);
    return all;
  }

  private static Pair<
          TestPublisher.Probe<List<Timed<Ev>>>, TestSubscriber.Probe<List<WindowOutput>>>
      probes(Flow<List<Timed<Ev>>, List<WindowOutput>, NotUsed> flow) {
    return TestSource.<List<Timed<Ev>>>create(system)
        .via(flow)
        .toMat(TestSink.create(system), Keep.both())
        .addAttributes(Attributes.inputBuffer(1, 1))
        .run(system);
  }

  private static List<Timed<Ev>> timed(List<Ev> events) {
    List<Timed<Ev>> records = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      records.add(new Timed<>(i, events.get(i).ts(), events.get(i)));
    }
    return records;
  }
}
