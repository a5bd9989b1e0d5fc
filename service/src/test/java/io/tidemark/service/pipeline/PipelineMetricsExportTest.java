package io.tidemark.service.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.http.metrics.TidemarkMetrics;
import io.tidemark.service.web.PipelineMetricsBridge;
import io.tidemark.streams.event.Reason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The clickstream pipeline's dead letters as {@code GET /metrics} and the live feed show them. */
class PipelineMetricsExportTest {

  @Test
  void aBadClickCountsForEveryComputationButIsOneRecordOnTheTopic() {
    PipelineMetrics pipeline = new PipelineMetrics();
    TidemarkMetrics metrics = new TidemarkMetrics();
    PipelineMetricsBridge bridge = new PipelineMetricsBridge(pipeline, metrics, "clicks");
    pipeline.recordsConsumed(10);
    for (int i = 0; i < 3; i++) {
      pipeline.deadLetter(Reason.MALFORMED_JSON);
    }
    // one record too late for page views only, one too late for both computations
    pipeline.deadLetter(Reason.TOO_LATE);
    pipeline.tooLate("pageviews", 1);
    pipeline.deadLetter(Reason.TOO_LATE);
    pipeline.tooLate("pageviews", 1);
    pipeline.tooLate("visitors", 1);
    bridge.sync();
    pipeline.deadLetter(Reason.MALFORMED_JSON);
    bridge.sync();
    bridge.sync();

    String text = metrics.registry().render();
    for (String line :
        List.of(
            "tidemark_dead_letters_total{computation=\"pageviews\",reason=\"MALFORMED_JSON\"} 4",
            "tidemark_dead_letters_total{computation=\"visitors\",reason=\"MALFORMED_JSON\"} 4",
            "tidemark_dead_letters_total{computation=\"pageviews\",reason=\"TOO_LATE\"} 2",
            "tidemark_dead_letters_total{computation=\"visitors\",reason=\"TOO_LATE\"} 1",
            "tidemark_dead_letter_records_total{source=\"clicks\",reason=\"MALFORMED_JSON\"} 4",
            "tidemark_dead_letter_records_total{source=\"clicks\",reason=\"TOO_LATE\"} 2")) {
      assertTrue(text.contains(line + "\n"), () -> line + " in\n" + text);
    }
    assertEquals(Map.of("MALFORMED_JSON", 4L, "TOO_LATE", 2L), metrics.deadLettersByReason());
  }
}
