package io.tidemark.http.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.http.JUnit5RouteTest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.junit.jupiter.api.Test;

class MetricsRoutesTest extends JUnit5RouteTest {

  /** A sample line of the text format: name, optional labels, integer value. */
  private static final Pattern SAMPLE =
      Pattern.compile("[a-z_]+(\\{([a-z_]+=\"[^\"]*\",?)+\\})? -?\\d+");

  @Test
  void metricsAreServedInPrometheusTextFormat() {
    TidemarkMetrics metrics =
        new TidemarkMetrics(Clock.fixed(Instant.ofEpochMilli(10_000), ZoneOffset.UTC));
    metrics.consumed("pageviews").inc(5);
    metrics.counted("pageviews").inc(4);
    metrics.deadLetters("pageviews", "MALFORMED_JSON").inc();
    metrics.watermark("clicks", 0).set(7_000);
    metrics.consumerLag("clicks", 0).set(12);
    metrics.alertsCommitted().inc(3);

    var result =
        testRoute(new MetricsRoutes(metrics.registry()).routes()).run(HttpRequest.GET("/metrics"));

    result.assertStatusCode(200);
    assertEquals(
        "text/plain; version=0.0.4; charset=UTF-8",
        result.response().entity().getContentType().toString());
    String text = result.entityString();
    for (String line : text.split("\n")) {
      assertTrue(
          line.startsWith("# HELP ")
              || line.startsWith("# TYPE ")
              || SAMPLE.matcher(line).matches(),
          line);
    }
    for (String expected :
        List.of(
            "tidemark_records_consumed_total{computation=\"pageviews\"} 5",
            "tidemark_records_counted_total{computation=\"pageviews\"} 4",
            "tidemark_dead_letters_total{computation=\"pageviews\",reason=\"MALFORMED_JSON\"} 1",
            "tidemark_watermark_ms{topic=\"clicks\",partition=\"0\"} 7000",
            "tidemark_event_time_lag_ms{topic=\"clicks\",partition=\"0\"} 3000",
            "tidemark_consumer_lag_records{topic=\"clicks\",partition=\"0\"} 12",
            "tidemark_fraud_alerts_committed_total 3",
            "# TYPE tidemark_duplicate_transactions_total counter",
            "# TYPE tidemark_window_firings_total counter",
            "# TYPE tidemark_window_late_updates_total counter",
            "# TYPE tidemark_active_entities gauge",
            "# TYPE tidemark_websocket_clients gauge")) {
      assertTrue(text.contains(expected + "\n"), expected);
    }
  }

  @Test
  void fraudPipelineCountersAreExported() {
    TidemarkMetrics metrics = new TidemarkMetrics();
    metrics.consumed("fraud").inc(10);
    metrics.counted("fraud").inc(6);
    metrics.duplicates().inc(2);
    metrics.deadLetters("fraud", "TOO_LATE").inc();
    metrics.deadLetters("fraud", "MISSING_FIELD").inc();
    metrics.alertsCommitted().inc(4);
    metrics.alertsRaised().inc(5);
    metrics.activeEntities().set(7);
    metrics.fraudAssignedPartitions().set(2);
    metrics.streamRestarts("fraud-pipeline").inc();

    var result =
        testRoute(new MetricsRoutes(metrics.registry()).routes()).run(HttpRequest.GET("/metrics"));

    result.assertStatusCode(200);
    String text = result.entityString();
    for (String expected :
        List.of(
            "tidemark_records_consumed_total{computation=\"fraud\"} 10",
            "tidemark_records_counted_total{computation=\"fraud\"} 6",
            "tidemark_duplicate_transactions_total 2",
            "tidemark_dead_letters_total{computation=\"fraud\",reason=\"MISSING_FIELD\"} 1",
            "tidemark_dead_letters_total{computation=\"fraud\",reason=\"TOO_LATE\"} 1",
            "# TYPE tidemark_fraud_alerts_committed_total counter",
            "tidemark_fraud_alerts_committed_total 4",
            "# TYPE tidemark_fraud_alerts_raised_total counter",
            "tidemark_fraud_alerts_raised_total 5",
            "tidemark_active_entities 7",
            "# TYPE tidemark_fraud_assigned_partitions gauge",
            "tidemark_fraud_assigned_partitions 2",
            "# TYPE tidemark_stream_restarts_total counter",
            "tidemark_stream_restarts_total{stream=\"fraud-pipeline\"} 1")) {
      assertTrue(text.contains(expected + "\n"), () -> expected + " in\n" + text);
    }
    assertTrue(
        text.contains(
            "# HELP tidemark_fraud_alerts_committed_total Alerts committed to the fraud-alerts"
                + " topic"),
        "the committed count says what it counts");
  }
}
