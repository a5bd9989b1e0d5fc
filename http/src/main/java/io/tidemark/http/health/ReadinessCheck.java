package io.tidemark.http.health;

import java.util.concurrent.CompletionStage;

/**
 * One condition of readiness (Kafka reachable, database usable, cluster member up...), supplied by
 * the service. A check that completes {@code false}, fails or does not answer in time counts as
 * failing.
 */
public interface ReadinessCheck {

  /** Short name shown in the readiness report, e.g. {@code kafka}. */
  String name();

  /** Whether the condition holds now. */
  CompletionStage<Boolean> check();

  /** A check named {@code name} answering with {@code check}. */
  static ReadinessCheck of(
      String name, java.util.function.Supplier<CompletionStage<Boolean>> check) {
    return new ReadinessCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CompletionStage<Boolean> check() {
        return check.get();
      }
    };
  }
}
