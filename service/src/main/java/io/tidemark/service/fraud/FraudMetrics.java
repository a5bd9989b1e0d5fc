package io.tidemark.service.fraud;

import io.tidemark.streams.event.Reason;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the running fraud pipeline, for status lines and {@code /metrics} (the service copies
 * them into its metrics): transactions consumed, accepted, duplicates, dead letters by reason,
 * alerts raised, restarts, and the assigned partitions. Counted when the entity answers, before the
 * Kafka transaction commits, so a redelivery after an aborted transaction counts again; the exact
 * accounting is the output topics, and the committed alerts are counted by the {@link AlertFeed}.
 */
public final class FraudMetrics {

  private final LongAdder consumed = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder alerts = new LongAdder();
  private final LongAdder restarts = new LongAdder();
  private final LongAdder askRetries = new LongAdder();
  private final Map<Reason, LongAdder> deadLetters = new EnumMap<>(Reason.class);
  private final Set<Integer> assigned = ConcurrentHashMap.newKeySet();

  FraudMetrics() {
    for (Reason reason : Reason.values()) {
      deadLetters.put(reason, new LongAdder());
    }
  }

  void consumed() {
    consumed.increment();
  }

  void accepted(int alertCount) {
    accepted.increment();
    alerts.add(alertCount);
  }

  void duplicate() {
    duplicates.increment();
  }

  void deadLetter(Reason reason) {
    deadLetters.get(reason).increment();
  }

  void restarted() {
    restarts.increment();
  }

  void askRetried() {
    askRetries.increment();
  }

  void assigned(Set<Integer> partitions) {
    assigned.addAll(partitions);
  }

  void revoked(Set<Integer> partitions) {
    assigned.removeAll(partitions);
  }

  /** Transactions consumed since start (again after a restart of the stream). */
  public long consumedCount() {
    return consumed.sum();
  }

  /** Transactions the entities accepted (redeliveries included). */
  public long acceptedCount() {
    return accepted.sum();
  }

  /** Transactions ignored as duplicates. */
  public long duplicateCount() {
    return duplicates.sum();
  }

  /** Alerts raised by this node's entities, before commit (redeliveries included). */
  public long raisedAlertCount() {
    return alerts.sum();
  }

  /** Restarts of the consuming stream after a failure. */
  public long restartCount() {
    return restarts.sum();
  }

  /**
   * Entity asks sent again after a timeout or a failure (the stream waited, it did not restart).
   */
  public long askRetryCount() {
    return askRetries.sum();
  }

  /** Dead letters by reason. */
  public Map<Reason, Long> deadLetters() {
    Map<Reason, Long> counts = new EnumMap<>(Reason.class);
    deadLetters.forEach((reason, count) -> counts.put(reason, count.sum()));
    return counts;
  }

  /** The transactions partitions this node consumes now. */
  public Set<Integer> assignedPartitions() {
    return new TreeSet<>(assigned);
  }
}
