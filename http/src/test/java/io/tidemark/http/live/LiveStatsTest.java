package io.tidemark.http.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidemark.http.metrics.TidemarkMetrics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveStatsTest {

  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    long now;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now);
    }
  }

  @Test
  void throughputIsConsumedDeltaPerSecondAndPartitionsCarryLags() {
    ManualClock clock = new ManualClock();
    clock.now = 100_000;
    TidemarkMetrics metrics = new TidemarkMetrics(clock);
    LiveStats stats = new LiveStats(metrics, clock);
    metrics.consumed("pageviews").inc(100);
    // two bad clicks count for both window computations, but are two records on the topic
    metrics.deadLetters("pageviews", "MALFORMED_JSON").inc(2);
    metrics.deadLetters("visitors", "MALFORMED_JSON").inc(2);
    metrics.deadLetterRecords("clicks", "MALFORMED_JSON").inc(2);
    metrics.deadLetters("fraud", "MALFORMED_JSON").inc(1);
    metrics.deadLetterRecords("transactions", "MALFORMED_JSON").inc(1);
    metrics.watermark("clicks", 1).set(97_000);
    metrics.consumerLag("clicks", 1).set(40);
    metrics.watermark("transactions", 0).set(90_000);

    clock.now = 102_000;
    LiveMessage.Stats first = stats.sample();
    metrics.consumed("pageviews").inc(30);
    clock.now = 102_500;
    LiveMessage.Stats second = stats.sample();

    assertEquals(Map.of("pageviews", 50.0), first.perSecond());
    assertEquals(Map.of("pageviews", 60.0), second.perSecond());
    assertEquals(Map.of("pageviews", 130L), second.consumed());
    assertEquals(Map.of("MALFORMED_JSON", 3L), second.deadLetters(), "records, not computations");
    assertEquals(
        List.of(
            new LiveMessage.Stats.Partition("clicks", 1, 97_000, 5_500, 40),
            new LiveMessage.Stats.Partition("transactions", 0, 90_000, 12_500, -1)),
        second.partitions());
  }
}
