package io.tidemark.service.fraud;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs asynchronous calls one at a time per key: a key's next call starts once its previous one
 * completed, and not at all if that one failed (it fails the same way). Calls of different keys run
 * concurrently. Only keys with a call outstanding are remembered.
 */
final class KeyedSequencer {

  private final Map<String, CompletionStage<?>> outstanding = new ConcurrentHashMap<>();

  /** Starts {@code call} after the previous call of {@code key} completed successfully. */
  <T> CompletionStage<T> after(String key, Supplier<CompletionStage<T>> call) {
    CompletionStage<?> previous = outstanding.get(key);
    CompletionStage<T> next =
        previous == null ? call.get() : previous.thenCompose(answered -> call.get());
    outstanding.put(key, next);
    next.whenComplete((value, failure) -> outstanding.remove(key, next));
    return next;
  }

  /** Keys with a call not yet completed. */
  int outstanding() {
    return outstanding.size();
  }
}
