package io.tidemark.service.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.http.metrics.TidemarkMetrics;
import io.tidemark.service.web.PipelineMetricsBridge;
import io.tidemark.service.web.ReadinessChecks;
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

  @Test
  void aPipelineStoppedOnAFailureIsNotReadyAndSaysSoInMetrics() throws Exception {
    PipelineMetrics pipeline = new PipelineMetrics();
    TidemarkMetrics metrics = new TidemarkMetrics();
    PipelineMetricsBridge bridge = new PipelineMetricsBridge(pipeline, metrics, "clicks");
    var readiness = ReadinessChecks.pipeline("clicks", pipeline);
    pipeline.retried();
    pipeline.retried();
    pipeline.holding(PipelineMetrics.PENDING_COMMITS, 0, 1_000);
    pipeline.holding(PipelineMetrics.PENDING_COMMITS, 1, 500);
    bridge.sync();
    assertTrue(readiness.check().toCompletableFuture().get());
    assertEquals("pipeline-clicks", readiness.name());

    pipeline.rejected();
    pipeline.failed("The database rejected the commit of clicks-1 up to offset 7");
    bridge.sync();

    assertEquals(false, readiness.check().toCompletableFuture().get());
    String text = metrics.registry().render();
    for (String line :
        List.of(
            "tidemark_commit_retries_total{topic=\"clicks\"} 2",
            "tidemark_commits_rejected_total{topic=\"clicks\"} 1",
            "tidemark_pipeline_failed{topic=\"clicks\"} 1",
            "tidemark_buffer_bytes{buffer=\"pending-commits\"} 1500")) {
      assertTrue(text.contains(line + "\n"), () -> line + " in\n" + text);
    }
  }

  @Test
  void whatAPartitionHeldIsGoneWithItsStream() {
    PipelineMetrics pipeline = new PipelineMetrics();
    pipeline.buffered(PipelineMetrics.RECORD_BATCHES, 3, 4_000);
    pipeline.buffered(PipelineMetrics.RECORD_BATCHES, 5, 1_000);
    pipeline.holding(PipelineMetrics.PENDING_COMMITS, 3, 700);
    pipeline.buffered(PipelineMetrics.RECORD_BATCHES, 3, -1_000);

    pipeline.released(3);

    assertEquals(
        Map.of(PipelineMetrics.RECORD_BATCHES, 1_000L, PipelineMetrics.PENDING_COMMITS, 0L),
        pipeline.bufferedBytes());
  }
}
