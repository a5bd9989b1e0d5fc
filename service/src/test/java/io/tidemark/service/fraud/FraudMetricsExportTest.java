package io.tidemark.service.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.http.metrics.TidemarkMetrics;
import io.tidemark.service.web.FraudMetricsBridge;
import io.tidemark.streams.event.Reason;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The fraud pipeline's counters as {@code GET /metrics} renders them, through the bridge. */
class FraudMetricsExportTest {

  @Test
  void countersAppearAtZeroBeforeAnyTransaction() {
    TidemarkMetrics metrics = new TidemarkMetrics();
    new FraudMetricsBridge(new FraudMetrics(), () -> 0, metrics, "transactions").sync();
    String text = metrics.registry().render();
    for (String line :
        List.of(
            "tidemark_records_consumed_total{computation=\"fraud\"} 0",
            "tidemark_records_counted_total{computation=\"fraud\"} 0",
            "tidemark_duplicate_transactions_total 0",
            "tidemark_fraud_alerts_committed_total 0",
            "tidemark_fraud_alerts_raised_total 0",
            "tidemark_fraud_assigned_partitions 0",
            "tidemark_stream_restarts_total{stream=\"fraud-pipeline\"} 0",
            "tidemark_stream_restarts_total{stream=\"alert-feed\"} 0")) {
      assertTrue(text.contains(line + "\n"), () -> line + " in\n" + text);
    }
    assertFalse(text.contains("computation=\"fraud\",reason"), "no dead letter yet");
  }

  @Test
  void everyCounterMovesByItsIncreaseSinceTheLastSync() {
    FraudMetrics fraud = new FraudMetrics();
    AtomicLong feedRestarts = new AtomicLong();
    TidemarkMetrics metrics = new TidemarkMetrics();
    FraudMetricsBridge bridge =
        new FraudMetricsBridge(fraud, feedRestarts::get, metrics, "transactions");
    for (int i = 0; i < 6; i++) {
      fraud.consumed();
    }
    fraud.accepted(0);
    fraud.accepted(2);
    fraud.accepted(1);
    fraud.duplicate();
    fraud.deadLetter(Reason.TOO_LATE);
    fraud.deadLetter(Reason.MALFORMED_JSON);
    fraud.assigned(Set.of(0, 2, 3));
    bridge.sync();
    fraud.consumed();
    fraud.deadLetter(Reason.MALFORMED_JSON);
    fraud.restarted();
    fraud.revoked(Set.of(3));
    feedRestarts.set(2);
    bridge.sync();
    bridge.sync();
    bridge.activeEntities(42);

    String text = metrics.registry().render();
    for (String line :
        List.of(
            "tidemark_records_consumed_total{computation=\"fraud\"} 7",
            "tidemark_records_counted_total{computation=\"fraud\"} 3",
            "tidemark_duplicate_transactions_total 1",
            "tidemark_dead_letters_total{computation=\"fraud\",reason=\"MALFORMED_JSON\"} 2",
            "tidemark_dead_letter_records_total{source=\"transactions\",reason=\"MALFORMED_JSON\"} 2",
            "tidemark_dead_letters_total{computation=\"fraud\",reason=\"TOO_LATE\"} 1",
            "tidemark_fraud_alerts_raised_total 3",
            "tidemark_fraud_alerts_committed_total 0",
            "tidemark_fraud_assigned_partitions 2",
            "tidemark_active_entities 42",
            "tidemark_stream_restarts_total{stream=\"fraud-pipeline\"} 1",
            "tidemark_stream_restarts_total{stream=\"alert-feed\"} 2")) {
      assertTrue(text.contains(line + "\n"), () -> line + " in\n" + text);
    }
    assertEquals(
        metrics.consumedByComputation().get("fraud"),
        metrics.countedByComputation().get("fraud")
            + metrics.duplicates().value()
            + metrics.deadLettersByReason().values().stream().mapToLong(Long::longValue).sum(),
        "consumed = accepted + duplicates + dead letters");
  }
}
