package io.tidemark.service.web;

import io.tidemark.http.metrics.Counter;
import io.tidemark.http.metrics.TidemarkMetrics;
import io.tidemark.service.fraud.FraudMetrics;
import io.tidemark.streams.event.Reason;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Copies the fraud pipeline's counters into the service's {@link TidemarkMetrics} on every {@link
 * #sync()}, under computation {@code fraud}: consumed, counted (accepted by the entity), dead
 * letters by reason, duplicates, alerts raised, the stream's restarts and the assigned partitions;
 * and the restarts of the alert feed. Counters move by the difference since the previous sync. The
 * committed alerts are counted by the alert feed's listener, not here.
 */
public final class FraudMetricsBridge {

  /** The {@code computation} label of the fraud counters. */
  public static final String COMPUTATION = "fraud";

  /** The {@code stream} label of the fraud pipeline's restarts. */
  public static final String PIPELINE = "fraud-pipeline";

  /** The {@code stream} label of the alert feed's restarts. */
  public static final String ALERT_FEED = "alert-feed";

  private final FraudMetrics fraud;
  private final LongSupplier alertFeedRestarts;
  private final TidemarkMetrics metrics;
  private final String topic;
  private final Map<String, Long> previous = new HashMap<>();

  /**
   * @param topic the transactions topic, the {@code source} of the pipeline's dead-letter records
   */
  public FraudMetricsBridge(
      FraudMetrics fraud, LongSupplier alertFeedRestarts, TidemarkMetrics metrics, String topic) {
    this.fraud = fraud;
    this.topic = topic;
    this.alertFeedRestarts = alertFeedRestarts;
    this.metrics = metrics;
    // shown from the start, at 0, so that a scrape tells "nothing yet" from "not exported"
    metrics.consumed(COMPUTATION);
    metrics.counted(COMPUTATION);
    metrics.duplicates();
    metrics.alertsRaised();
    metrics.alertsCommitted();
    metrics.streamRestarts(PIPELINE);
    metrics.streamRestarts(ALERT_FEED);
  }

  /** Brings the metrics up to date with the pipeline and the alert feed. */
  public synchronized void sync() {
    advance("consumed", fraud.consumedCount(), metrics.consumed(COMPUTATION));
    advance("accepted", fraud.acceptedCount(), metrics.counted(COMPUTATION));
    advance("duplicates", fraud.duplicateCount(), metrics.duplicates());
    advance("raised", fraud.raisedAlertCount(), metrics.alertsRaised());
    advance("restarts", fraud.restartCount(), metrics.streamRestarts(PIPELINE));
    advance("feed-restarts", alertFeedRestarts.getAsLong(), metrics.streamRestarts(ALERT_FEED));
    for (Map.Entry<Reason, Long> dead : fraud.deadLetters().entrySet()) {
      if (dead.getValue() > 0) {
        String reason = dead.getKey().name();
        advance("dead/" + reason, dead.getValue(), metrics.deadLetters(COMPUTATION, reason));
        // one computation: every dead-lettered transaction is one record on the topic
        advance("records/" + reason, dead.getValue(), metrics.deadLetterRecords(topic, reason));
      }
    }
    metrics.fraudAssignedPartitions().set(fraud.assignedPartitions().size());
  }

  /** Sets the number of fraud entities alive on this node. */
  public void activeEntities(int count) {
    metrics.activeEntities().set(count);
  }

  private void advance(String key, long now, Counter counter) {
    long before = previous.getOrDefault(key, 0L);
    if (now > before) {
      counter.inc(now - before);
      previous.put(key, now);
    }
  }
}
