package io.tidemark.http.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The registered readiness checks. The service registers them as the parts they watch start (the
 * HTTP server binds early so that liveness answers during start-up); ready means every registered
 * check passes. All checks run concurrently, each bounded by the timeout.
 */
public final class Readiness {

  private final List<ReadinessCheck> checks = new CopyOnWriteArrayList<>();
  private final Duration timeout;

  public Readiness(Duration timeout) {
    this.timeout = timeout;
  }

  /** Readiness made of {@code checks}. */
  public static Readiness of(Duration timeout, List<ReadinessCheck> checks) {
    Readiness readiness = new Readiness(timeout);
    checks.forEach(readiness::register);
    return readiness;
  }

  /** Adds a check. */
  public void register(ReadinessCheck check) {
    checks.add(check);
  }

  /** Runs every check; the report lists each one's outcome in registration order. */
  public CompletionStage<Report> evaluate() {
    Map<String, CompletableFuture<Boolean>> outcomes = new LinkedHashMap<>();
    for (ReadinessCheck check : checks) {
      outcomes.put(check.name(), run(check));
    }
    return CompletableFuture.allOf(outcomes.values().toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, Boolean> results = new LinkedHashMap<>();
              outcomes.forEach((name, outcome) -> results.put(name, outcome.join()));
              return new Report(results);
            });
  }

  private CompletableFuture<Boolean> run(ReadinessCheck check) {
    CompletableFuture<Boolean> outcome;
    try {
      outcome = check.check().toCompletableFuture().copy();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(false);
    }
    return outcome
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((ok, failure) -> failure == null && Boolean.TRUE.equals(ok));
  }

  /**
   * The outcome of every check.
   *
   * @param checks check name to whether it passed
   */
  public record Report(Map<String, Boolean> checks) {

    public Report {
      checks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }

    /** True when every check passed. */
    public boolean ready() {
      return !checks.containsValue(false);
    }

    /** The names of the checks that failed. */
    public List<String> failing() {
      return checks.entrySet().stream()
          .filter(entry -> !entry.getValue())
          .map(Map.Entry::getKey)
          .toList();
    }
  }
}
