package io.tidemark.service.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class KeyedSequencerTest {

  private final KeyedSequencer sequencer = new KeyedSequencer();
  private final List<String> started = new ArrayList<>();

  private CompletionStage<String> call(String name, CompletableFuture<String> result) {
    return sequencer.after(
        name.substring(0, 1),
        () -> {
          started.add(name);
          return result;
        });
  }

  @Test
  void aKeysNextCallStartsOnlyOnceThePreviousCompleted() {
    CompletableFuture<String> a1 = new CompletableFuture<>();
    CompletableFuture<String> a2 = new CompletableFuture<>();
    CompletableFuture<String> b1 = new CompletableFuture<>();
    CompletionStage<String> second = call("a2", a2);
    call("b1", b1);
    // "a2" was the first call of key a: it started at once
    assertEquals(List.of("a2", "b1"), started);
    started.clear();
    CompletionStage<String> third = call("a1", a1);
    assertEquals(List.of(), started, "a1 waits for a2");
    a2.complete("two");
    assertEquals(List.of("a1"), started);
    a1.complete("one");
    assertEquals("two", second.toCompletableFuture().join());
    assertEquals("one", third.toCompletableFuture().join());
    assertEquals(1, sequencer.outstanding(), "only b1 is outstanding");
    b1.complete("b");
    assertEquals(0, sequencer.outstanding());
  }

  @Test
  void aFailedCallFailsTheKeysNextCallsWithoutStartingThem() {
    CompletableFuture<String> first = new CompletableFuture<>();
    call("a-first", first);
    CompletionStage<String> next = call("a-next", new CompletableFuture<>());
    first.completeExceptionally(new IllegalStateException("lost"));
    assertEquals(List.of("a-first"), started);
    assertTrue(next.toCompletableFuture().isCompletedExceptionally());
    assertEquals(0, sequencer.outstanding());
  }

  @Test
  void otherKeysAreNotHeldBack() {
    call("a", new CompletableFuture<>());
    call("b", new CompletableFuture<>());
    call("c", new CompletableFuture<>());
    assertEquals(List.of("a", "b", "c"), started);
    assertEquals(3, sequencer.outstanding());
  }
}
