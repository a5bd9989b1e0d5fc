package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser: the service runs as in {@code tidemark demo} (live generator,
 * event time from the clock), headless Chromium opens {@code /}, and the page follows the live
 * feed: the connection turns live, the tiles and both charts fill from the WebSocket and keep
 * changing. Leaves a screenshot in {@code target/dashboard.png} (the README's docs/dashboard.png).
 */
class DashboardIT {

  static final Duration DEADLINE = Duration.ofSeconds(90);

  static LiveService service;
  static HeadlessChromium browser;

  @BeforeAll
  static void openDashboard() throws Exception {
    service = LiveService.start(500, Map.of());
    browser = HeadlessChromium.launch(1400, 1000);
    browser.navigate(service.uri("/"));
    String loaded = "complete " + service.uri("/");
    Await.until(
        DEADLINE,
        () -> loaded.equals(page("document.readyState + ' ' + location.href").asText()),
        () -> page("document.readyState + ' ' + location.href").asText());
  }

  @AfterAll
  static void close() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (service != null) {
      service.close();
    }
  }

  static JsonNode page(String expression) {
    try {
      return browser.evaluate(expression);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String text(String id) {
    return page("document.getElementById('" + id + "').textContent").asText();
  }

  static int points(String chart) {
    return page("(() => { const c = Chart.getChart('"
            + chart
            + "'); return c ? c.data.datasets.reduce((n, d) => n + d.data.filter(v => v > 0).length, 0) : -1; })()")
        .asInt();
  }

  @Test
  void feedTurnsLiveAndNumbersKeepChanging() {
    Await.until(DEADLINE, () -> "live".equals(text("connection")), () -> text("connection"));
    Await.until(
        DEADLINE, () -> !"–".equals(text("throughput")), () -> "throughput " + text("throughput"));
    // stats arrive every second: the dead-letter total grows with the generator's bad records
    String deadBefore = text("dead-total");
    Await.until(
        DEADLINE,
        () -> !deadBefore.equals(text("dead-total")),
        () -> "dead letters stuck at " + deadBefore);
    assertTrue(
        Double.parseDouble(text("throughput").replace(",", "")) > 0,
        "events/s " + text("throughput"));
    assertTrue(
        page("document.querySelectorAll('#partitions tr:not(.empty)').length").asInt() >= 1,
        "partition rows");
  }

  @Test
  void chartsFillFromTheFeed() throws Exception {
    Await.until(
        DEADLINE,
        () -> points("throughput-chart") >= 3,
        () -> "throughput points " + points("throughput-chart"));
    Await.until(
        DEADLINE,
        () -> points("pageviews-chart") >= 3,
        () -> "page view points " + points("pageviews-chart"));
    Await.until(
        DEADLINE, () -> !"–".equals(text("visitors")), () -> "visitors " + text("visitors"));
    AtomicReference<Integer> before = new AtomicReference<>(points("throughput-chart"));
    Await.until(
        DEADLINE,
        () -> points("throughput-chart") > before.get(),
        () -> "throughput chart stuck at " + before.get() + " points");
    assertEquals(
        page("Chart.getChart('pageviews-chart').data.labels.length").asInt(),
        30,
        "30 minutes on the page views axis");
    Path shot = Path.of(System.getProperty("basedir", ".")).resolve("target/dashboard.png");
    browser.screenshot(shot);
    assertTrue(Files.size(shot) > 10_000, "a screenshot with content: " + Files.size(shot));
  }
}
