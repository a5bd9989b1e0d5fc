package io.tidemark.http.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void rendersHelpTypeAndOneLinePerLabelCombination() {
    Metrics metrics = new Metrics();
    MetricFamily<Counter> consumed =
        metrics.counter("records_consumed_total", "Records consumed", "computation");
    MetricFamily<Gauge> watermark =
        metrics.gauge("watermark_ms", "Watermark", "topic", "partition");
    consumed.labels("visitors").inc(2);
    consumed.labels("pageviews").inc();
    watermark.labels("clicks", "10").set(7);
    watermark.labels("clicks", "2").set(5);

    assertEquals(
        """
        # HELP records_consumed_total Records consumed
        # TYPE records_consumed_total counter
        records_consumed_total{computation="pageviews"} 1
        records_consumed_total{computation="visitors"} 2
        # HELP watermark_ms Watermark
        # TYPE watermark_ms gauge
        watermark_ms{topic="clicks",partition="2"} 5
        watermark_ms{topic="clicks",partition="10"} 7
        """,
        metrics.render());
  }

  @Test
  void escapesLabelValuesAndHelp() {
    Metrics metrics = new Metrics();
    metrics.counter("odd_total", "line one\nback\\slash", "v").labels("a\"b\\c\nd").inc();

    assertEquals(
        """
        # HELP odd_total line one\\nback\\\\slash
        # TYPE odd_total counter
        odd_total{v="a\\"b\\\\c\\nd"} 1
        """,
        metrics.render());
  }

  @Test
  void unlabelledFamilyWithoutValueRendersHeaderOnly() {
    Metrics metrics = new Metrics();
    metrics.gauge("idle", "Nothing yet");
    assertEquals("# HELP idle Nothing yet\n# TYPE idle gauge\n", metrics.render());
  }

  @Test
  void derivedGaugeIsComputedAtScrape() {
    Metrics metrics = new Metrics();
    long[] source = {1};
    metrics.derivedGauge("derived", "Derived", List.of("k"), () -> Map.of(List.of("x"), source[0]));
    source[0] = 42;
    assertEquals(
        "# HELP derived Derived\n# TYPE derived gauge\nderived{k=\"x\"} 42\n", metrics.render());
  }

  @Test
  void rejectsWrongLabelCountInvalidNamesAndDuplicates() {
    Metrics metrics = new Metrics();
    MetricFamily<Counter> family = metrics.counter("a_total", "A", "x");
    assertThrows(IllegalArgumentException.class, () -> family.labels());
    assertThrows(IllegalArgumentException.class, () -> family.labels("1", "2"));
    assertThrows(IllegalArgumentException.class, () -> metrics.counter("a_total", "again"));
    assertThrows(IllegalArgumentException.class, () -> metrics.gauge("1bad", "B"));
    assertThrows(IllegalArgumentException.class, () -> metrics.gauge("ok", "B", "__reserved"));
    assertThrows(IllegalArgumentException.class, () -> family.labels("y").inc(-1));
  }

  @Test
  void concurrentIncrementsAreAllCounted() throws Exception {
    Metrics metrics = new Metrics();
    MetricFamily<Counter> family = metrics.counter("c_total", "C", "k");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done =
        java.util.stream.IntStream.range(0, 4)
            .<Future<?>>mapToObj(
                t ->
                    pool.submit(
                        () -> {
                          for (int i = 0; i < 10_000; i++) {
                            family.labels(i % 2 == 0 ? "even" : "odd").inc();
                          }
                        }))
            .toList();
    for (Future<?> f : done) {
      f.get(10, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertEquals(Map.of(List.of("even"), 20_000L, List.of("odd"), 20_000L), family.snapshot());
  }
}
