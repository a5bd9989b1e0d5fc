package io.tidemark.persistence.fraud;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fraud rule in force on this node: the {@link UserFraud} entities read it at every decision,
 * so a change applies to the next transaction of every entity here without restarting any. It only
 * moves forward: {@link #offer} puts a rule in force only if its version is newer than the one in
 * force, so changes arriving twice or out of order (replication, periodic re-reads of the database)
 * settle on the latest stored rule.
 *
 * <p>Reading never blocks; one instance per node (or per test), shared by all its entities.
 */
public final class CurrentFraudRule {

  private final AtomicReference<VersionedFraudRule> current;

  private CurrentFraudRule(VersionedFraudRule initial) {
    this.current = new AtomicReference<>(initial);
  }

  /** In force: the configured defaults, until a stored rule is offered. */
  public static CurrentFraudRule startingWith(FraudSettings defaults) {
    return new CurrentFraudRule(VersionedFraudRule.unstored(defaults));
  }

  /** A rule that never changes (tools and tests; nothing offers it a newer one). */
  public static CurrentFraudRule fixed(FraudSettings settings) {
    return startingWith(settings);
  }

  /** The parameters in force now. */
  public FraudSettings settings() {
    return current.get().settings();
  }

  /** The rule in force now, with its version. */
  public VersionedFraudRule get() {
    return current.get();
  }

  /**
   * Puts {@code rule} in force if it is newer than the rule in force.
   *
   * @return whether it was put in force
   */
  public boolean offer(VersionedFraudRule rule) {
    Objects.requireNonNull(rule, "rule");
    VersionedFraudRule now = current.get();
    while (rule.isNewerThan(now)) {
      if (current.compareAndSet(now, rule)) {
        return true;
      }
      now = current.get();
    }
    return false;
  }

  @Override
  public String toString() {
    return "CurrentFraudRule" + current.get();
  }
}
