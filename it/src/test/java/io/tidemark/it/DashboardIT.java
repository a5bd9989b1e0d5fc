package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser: the service runs as in {@code tidemark demo} (live generator,
 * event time from the clock), headless Chromium opens {@code /}, and the page follows the live
 * feed: the connection turns live, the tiles and both charts fill from the WebSocket and keep
 * changing, and a card used in four countries within minutes shows up in the alert feed. Leaves a
 * screenshot in {@code target/dashboard.png} (the README's docs/dashboard.png).
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
  void fraudAlertAppearsInTheFeed() {
    String user = "dashboard-fraudster-" + System.nanoTime();
    fourCountries(user);
    String shown = "Array.from(document.querySelectorAll('#alerts li')).map(li => li.textContent)";
    Await.until(
        DEADLINE,
        () -> page(shown + ".some(t => t.includes('" + user + "-3'))").asBoolean(),
        () -> "alert feed: " + page(shown + ".join(' | ')"));
    String item = page(shown + ".find(t => t.includes('" + user + "-3'))").asText();
    assertTrue(item.contains("DE, ES, FR, IT"), "the countries, sorted: " + item);
    assertTrue(item.contains("more-than-3-countries-in-10m"), item);
    assertTrue(Integer.parseInt(text("alert-count").replace(",", "")) >= 1, text("alert-count"));
  }

  /** Four transactions of {@code user} in four countries within 4 s: an alert on the fourth. */
  static void fourCountries(String user) {
    long now = System.currentTimeMillis();
    String[] countries = {"DE", "FR", "ES", "IT"};
    try (KafkaProducer<String, String> producer =
        KafkaRecords.producer(service.kafka.bootstrapServers(), Map.of())) {
      for (int i = 0; i < countries.length; i++) {
        String txn =
            String.format(
                "{\"txnId\":\"%s-%d\",\"userId\":\"%s\",\"amount\":25.0,\"currency\":\"EUR\","
                    + "\"country\":\"%s\",\"ts\":%d}",
                user, i, user, countries[i], now + i * 1000L);
        producer.send(new ProducerRecord<>("transactions", user, txn));
      }
      producer.flush();
    }
  }

  @Test
  void reloadedPageStartsFromTheStoredPageViewsAndAlerts() throws Exception {
    // an alert raised before the page loads can only come from the alerts table
    String user = "dashboard-earlier-" + System.nanoTime();
    fourCountries(user);
    URI stored = service.uri("/api/alerts?userId=" + user + "&since=0");
    Await.until(
        DEADLINE,
        () -> stored(stored, "alerts") == 1,
        () -> "alerts stored for " + user + ": " + stored(stored, "alerts"));
    long now = System.currentTimeMillis();
    URI top = service.uri("/api/pageviews/top?from=" + (now - 1_800_000) + "&to=" + (now + 60_000));
    Await.until(
        DEADLINE,
        () -> stored(top, "pages") > 0,
        () -> "no page views stored yet: " + stored(top, "pages"));

    browser.navigate(service.uri("/"));
    Await.until(
        DEADLINE,
        () -> "complete".equals(page("document.readyState").asText()),
        () -> page("document.readyState").asText());

    String fetched =
        "performance.getEntriesByType('resource').filter(e => e.initiatorType === 'fetch')"
            + ".map(e => e.name + ' ' + e.responseStatus)";
    Await.until(
        DEADLINE,
        () ->
            page(fetched + ".some(n => n.includes('/api/pageviews/top?') && n.endsWith(' 200'))")
                    .asBoolean()
                && page(fetched
                        + ".some(n => n.includes('/api/pageviews?page=') && n.endsWith(' 200'))")
                    .asBoolean(),
        () -> "requests of the page: " + page(fetched + ".join(', ')"));
    Await.until(
        DEADLINE,
        () -> points("pageviews-chart") >= 1,
        () -> "page view points " + points("pageviews-chart"));
    String shown = "Array.from(document.querySelectorAll('#alerts li')).map(li => li.textContent)";
    Await.until(
        DEADLINE,
        () -> page(shown + ".some(t => t.includes('" + user + "-3 · DE, ES, FR, IT'))").asBoolean(),
        () -> "alert feed after the reload: " + page(shown + ".join(' | ')"));
  }

  /** The size of array {@code field} of the JSON that {@code uri} answers, or minus the status. */
  static int stored(URI uri, String field) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? new ObjectMapper().readTree(response.body()).path(field).size()
          : -response.statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
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
    int minutes = page("Chart.getChart('pageviews-chart').data.labels.length").asInt();
    assertTrue(
        minutes >= 1 && minutes <= 30,
        "the minutes since the first window, at most 30, on the page views axis: " + minutes);
    Path shot = Path.of(System.getProperty("basedir", ".")).resolve("target/dashboard.png");
    browser.screenshot(shot);
    assertTrue(Files.size(shot) > 10_000, "a screenshot with content: " + Files.size(shot));
  }
}
