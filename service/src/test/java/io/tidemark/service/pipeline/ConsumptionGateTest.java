package io.tidemark.service.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConsumptionGateTest {

  static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("gate-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void pausedGateHoldsRecordsAndResumingLetsAllThroughInOrder() throws Exception {
    ConsumptionGate gate = new ConsumptionGate();
    assertTrue(gate.pause());
    assertTrue(gate.isPaused());
    CompletableFuture<List<Integer>> out =
        Source.range(1, 1000)
            .via(gate.<Integer>flow())
            .runWith(Sink.seq(), system)
            .toCompletableFuture();
    assertThrows(TimeoutException.class, () -> out.get(300, TimeUnit.MILLISECONDS));
    assertFalse(gate.resume());
    assertFalse(gate.isPaused());
    assertEquals(IntStream.rangeClosed(1, 1000).boxed().toList(), out.get(10, TimeUnit.SECONDS));
  }

  @Test
  void openGatePassesEverything() throws Exception {
    ConsumptionGate gate = new ConsumptionGate();
    assertEquals(
        List.of(1, 2, 3),
        Source.range(1, 3)
            .via(gate.<Integer>flow())
            .runWith(Sink.seq(), system)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS));
  }

  @Test
  void pausingTwiceNeedsOneResume() throws Exception {
    ConsumptionGate gate = new ConsumptionGate();
    gate.pause();
    gate.pause();
    gate.resume();
    assertTrue(gate.whenOpen().toCompletableFuture().isDone());
  }
}
