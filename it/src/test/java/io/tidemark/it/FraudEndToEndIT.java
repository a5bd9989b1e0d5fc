package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.service.infra.EmbeddedKafka;
import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.service.run.ServiceRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fraud path seen from outside, against a real broker and PostgreSQL: transactions of a user
 * who pays from five countries within four minutes (SPEC §3.3: the fourth and the fifth are
 * flagged), of a calm user, a duplicate and a malformed record go through an in-process service.
 * Then {@code GET /api/users/{userId}/fraud-state} answers with exactly the retained transactions
 * and their flags (404 for a user never seen, 400 for a userId longer than SPEC §1 allows), {@code
 * /metrics} counts the consumed transactions and exactly the alerts committed to {@code
 * fraud-alerts}, and a {@code /ws/live} client receives each alert once.
 */
class FraudEndToEndIT {

  static final Duration DEADLINE = Duration.ofSeconds(120);
  static final long T0 = 1_732_300_000_000L;
  static final long MINUTE = 60_000;
  static final String FRAUDSTER = "u-fraud";
  static final String CALM = "u-calm";
  static final int RECORDS = 9;
  static final ObjectMapper JSON = new ObjectMapper();

  static final String SCHEMA = FraudLog.newSchema();
  static EmbeddedKafka kafka;
  static ServiceRuntime runtime;
  static LiveClient live;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void runTransactionsThroughTheService() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(
        Map.of("transactions", 4, "fraud-alerts", 4, "dead-letters", 1, "clicks", 1));
    Map<String, Object> overrides = InProcessConfig.overrides(kafka.bootstrapServers(), SCHEMA);
    overrides.put("tidemark.fraud.entity.shards", 4);
    // the first entity recoveries can be slow on a busy machine; a timed-out ask restarts the
    // stream, which the counters would see as redeliveries
    overrides.put("tidemark.fraud.pipeline.ask-timeout", "60s");
    Config config = InProcessConfig.resolve(overrides);
    runtime = ServiceRuntime.start(config, LiveUpdates.NONE);
    live = LiveClient.connect(ws("/ws/live"));

    try (KafkaProducer<String, String> producer =
        KafkaRecords.producer(kafka.bootstrapServers(), Map.of())) {
      String[] countries = {"DE", "FR", "ES", "IT", "NL"};
      for (int i = 0; i < countries.length; i++) {
        send(producer, FRAUDSTER, txn("t-f" + (i + 1), FRAUDSTER, countries[i], T0 + i * MINUTE));
      }
      send(producer, CALM, txn("t-c1", CALM, "DE", T0));
      send(producer, CALM, txn("t-c2", CALM, "DE", T0 + MINUTE / 2));
      send(producer, FRAUDSTER, txn("t-f2", FRAUDSTER, "FR", T0 + 5 * MINUTE));
      send(producer, "u-bad", "{\"txnId\":");
      producer.flush();
    }
    String group = "tidemark-" + SCHEMA + "-fraud";
    SortedMap<Integer, Long> ends = FraudLog.endOffsets(kafka.bootstrapServers(), "transactions");
    assertEquals(RECORDS, FraudLog.sum(ends));
    Await.until(
        DEADLINE,
        () -> consumedToTheEnd(ends, group),
        () -> "fraud group offsets " + committed(group) + " / ends " + ends);
  }

  @AfterAll
  static void stop() throws Exception {
    if (live != null) {
      live.close();
    }
    if (runtime != null) {
      runtime.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    FraudLog.dropSchema(SCHEMA);
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void fraudStateIsTheRetainedTransactionsWithTheirFlags() throws Exception {
    HttpResponse<String> response = get("/api/users/" + FRAUDSTER + "/fraud-state");

    assertEquals(200, response.statusCode(), response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    String expected =
        "{\"userId\":\"u-fraud\",\"maxTs\":"
            + (T0 + 4 * MINUTE)
            + ",\"retained\":["
            + retained("t-f1", T0, "DE", false)
            + ","
            + retained("t-f2", T0 + MINUTE, "FR", false)
            + ","
            + retained("t-f3", T0 + 2 * MINUTE, "ES", false)
            + ","
            + retained("t-f4", T0 + 3 * MINUTE, "IT", true)
            + ","
            + retained("t-f5", T0 + 4 * MINUTE, "NL", true)
            + "]}";
    assertEquals(JSON.readTree(expected), JSON.readTree(response.body()), response.body());

    HttpResponse<String> calm = get("/api/users/" + CALM + "/fraud-state");
    assertEquals(200, calm.statusCode(), calm.body());
    assertEquals(
        JSON.readTree(
            "{\"userId\":\"u-calm\",\"maxTs\":"
                + (T0 + MINUTE / 2)
                + ",\"retained\":["
                + retained("t-c1", T0, "DE", false)
                + ","
                + retained("t-c2", T0 + MINUTE / 2, "DE", false)
                + "]}"),
        JSON.readTree(calm.body()));
  }

  @Test
  void unknownUserIsNotFoundWithAJsonBody() throws Exception {
    HttpResponse<String> response = get("/api/users/u-never-seen/fraud-state");

    assertEquals(404, response.statusCode(), response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    assertEquals(
        JSON.readTree("{\"error\":\"no fraud state for user\",\"userId\":\"u-never-seen\"}"),
        JSON.readTree(response.body()));
  }

  @Test
  void userIdLongerThanAnEventFieldIsABadRequest() throws Exception {
    // SPEC §1: strings are 1 to 1024 characters
    HttpResponse<String> response = get("/api/users/" + "u".repeat(1025) + "/fraud-state");

    assertEquals(400, response.statusCode(), response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    JsonNode body = JSON.readTree(response.body());
    assertEquals("userId", body.path("parameter").asText(), response.body());
    assertTrue(body.path("error").asText().contains("1024"), response.body());
  }

  @Test
  void metricsCountTheCommittedAlertsAndTheConsumedTransactions() {
    List<FraudAlert> committed = FraudLog.committedAlerts(kafka.bootstrapServers(), "fraud-alerts");
    assertEquals(
        List.of("t-f4", "t-f5"), committed.stream().map(FraudAlert::alertId).sorted().toList());
    Await.until(
        DEADLINE,
        () ->
            metric("tidemark_fraud_alerts_committed_total") == committed.size()
                && metric("tidemark_records_consumed_total{computation=\"fraud\"}") >= RECORDS
                && metric("tidemark_active_entities") >= 2,
        () -> "metrics:\n" + fraudLines());

    Map<String, Long> metrics = scrape();
    assertEquals(committed.size(), metrics.get("tidemark_fraud_alerts_committed_total"));
    assertEquals(0, metrics.get("tidemark_stream_restarts_total{stream=\"alert-feed\"}"));
    assertEquals(4, metrics.get("tidemark_fraud_assigned_partitions"), "one node: every partition");
    long consumed = metrics.get("tidemark_records_consumed_total{computation=\"fraud\"}");
    long counted = metrics.get("tidemark_records_counted_total{computation=\"fraud\"}");
    long duplicates = metrics.get("tidemark_duplicate_transactions_total");
    long malformed =
        metrics.get("tidemark_dead_letters_total{computation=\"fraud\",reason=\"MALFORMED_JSON\"}");
    long raised = metrics.get("tidemark_fraud_alerts_raised_total");
    if (metrics.get("tidemark_stream_restarts_total{stream=\"fraud-pipeline\"}") == 0) {
      // no redelivery: each transaction counted once
      assertEquals(RECORDS, consumed, fraudLines());
      assertEquals(7, counted);
      assertEquals(1, duplicates);
      assertEquals(1, malformed);
      assertEquals(2, raised);
    } else {
      // a restart (an entity slow to recover) redelivers what the aborted transaction held: this
      // node's counters count it again, the committed alerts above do not
      System.out.println("FraudEndToEndIT: fraud pipeline restarted; metrics:\n" + fraudLines());
      assertTrue(consumed >= RECORDS && counted >= 7 && duplicates >= 1, fraudLines());
      assertTrue(malformed >= 1 && raised >= 2, fraudLines());
    }
  }

  @Test
  void liveClientReceivesEachCommittedAlertOnce() {
    // the stats message carries the committed count; the feed is in order, so once a stats
    // message says 2, both alerts have been sent to the client before it
    Await.until(
        DEADLINE,
        () -> live.statsAfterAlerts(2),
        () -> "received " + live.received.size() + " messages, alerts " + live.alertIds());
    assertEquals(List.of("t-f4", "t-f5"), live.alertIds().stream().sorted().toList());
    for (JsonNode alert : live.alerts()) {
      assertEquals(FRAUDSTER, alert.path("userId").asText());
      assertEquals(alert.path("alertId").asText(), alert.path("txnId").asText());
    }
  }

  private static String txn(String txnId, String userId, String country, long ts) {
    return String.format(
        "{\"txnId\":\"%s\",\"userId\":\"%s\",\"amount\":12.50,\"currency\":\"EUR\","
            + "\"country\":\"%s\",\"ts\":%d}",
        txnId, userId, country, ts);
  }

  private static String retained(String txnId, long ts, String country, boolean flagged) {
    return String.format(
        "{\"txnId\":\"%s\",\"ts\":%d,\"country\":\"%s\",\"flagged\":%s}",
        txnId, ts, country, flagged);
  }

  private static void send(KafkaProducer<String, String> producer, String key, String value) {
    producer.send(new ProducerRecord<>("transactions", key, value));
  }

  private static boolean consumedToTheEnd(SortedMap<Integer, Long> ends, String group) {
    SortedMap<Integer, Long> committed = committed(group);
    return ends.entrySet().stream()
        .allMatch(e -> e.getValue() == 0 || e.getValue().equals(committed.get(e.getKey())));
  }

  private static SortedMap<Integer, Long> committed(String group) {
    return FraudLog.committedOffsets(kafka.bootstrapServers(), group, "transactions");
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + runtime.httpAddress().getPort() + path);
  }

  private static URI ws(String path) {
    return URI.create("ws://127.0.0.1:" + runtime.httpAddress().getPort() + path);
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The samples of {@code /metrics}: name with labels, as written, to value. */
  private static Map<String, Long> scrape() {
    try {
      HttpResponse<String> response = get("/metrics");
      assertEquals(200, response.statusCode());
      Map<String, Long> samples = new HashMap<>();
      for (String line : response.body().split("\n")) {
        if (!line.startsWith("#") && !line.isBlank()) {
          int space = line.lastIndexOf(' ');
          samples.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
        }
      }
      return samples;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long metric(String sample) {
    return scrape().getOrDefault(sample, -1L);
  }

  private static String fraudLines() {
    StringBuilder lines = new StringBuilder();
    scrape().entrySet().stream()
        .filter(
            e ->
                e.getKey().contains("fraud")
                    || e.getKey().contains("entities")
                    || e.getKey().contains("duplicate")
                    || e.getKey().contains("restarts"))
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> lines.append(e.getKey()).append(' ').append(e.getValue()).append('\n'));
    return lines.toString();
  }
}
