package io.tidemark.service.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.service.Main;
import io.tidemark.streams.event.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidemark generate} then {@code tidemark replay}, through the command line, on a data set
 * of 200k clicks and 50k transactions with every kind of disorder and bad record; every output file
 * must equal the brute-force {@link ReplayOracle} exactly (HLL within 3%, exact below 200).
 */
class ReplayCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static ReplayOracle oracle;

  @BeforeAll
  static void generateAndModel() throws IOException {
    int exit =
        run(
            "generate",
            "--out",
            dir.toString(),
            "--clicks",
            "200000",
            "--transactions",
            "50000",
            "--seed",
            "7");
    assertEquals(0, exit, "generate exit code");
    oracle = ReplayOracle.of(clicks(), transactions());
  }

  @Test
  void hllReplayEqualsBruteForce() throws IOException {
    Path out = dir.resolve("out-hll");
    assertEquals(0, replay(out, "hll"));
    assertPageViews(out);
    assertVisitors(out, false);
    assertAlerts(out);
    assertDeadLetters(out);
    assertCounts(out);
  }

  @Test
  void exactReplayEqualsBruteForce() throws IOException {
    Path out = dir.resolve("out-exact");
    assertEquals(0, replay(out, "exact"));
    assertVisitors(out, true);
    assertCounts(out);
  }

  @Test
  void unreadableInputIsAUsageError() {
    assertEquals(
        2,
        run(
            "replay",
            "--clicks",
            dir.resolve("missing.jsonl").toString(),
            "--transactions",
            transactions().toString(),
            "--out",
            dir.resolve("never").toString()));
  }

  private static void assertPageViews(Path out) throws IOException {
    Map<String, ReplayOracle.Row> expected = oracle.pageViews;
    List<JsonNode> rows = read(out.resolve(ReplayOutput.PAGE_VIEWS));
    assertEquals(expected.size(), rows.size(), "page view rows");
    for (JsonNode row : rows) {
      String key = row.get("page").asText() + "@" + row.get("windowStart").asLong();
      ReplayOracle.Row want = expected.get(key);
      assertTrue(want != null, () -> "unexpected row " + row);
      assertEquals(want.value(), row.get("views").asLong(), () -> "views of " + row);
      assertEquals(want.revision(), row.get("revision").asInt(), () -> "revision of " + row);
      assertEquals(
          row.get("windowStart").asLong() + 60_000, row.get("windowEnd").asLong(), "windowEnd");
    }
  }

  private static void assertVisitors(Path out, boolean exact) throws IOException {
    List<JsonNode> rows = read(out.resolve(ReplayOutput.UNIQUE_VISITORS));
    assertEquals(oracle.visitors.size(), rows.size(), "visitor rows");
    for (JsonNode row : rows) {
      ReplayOracle.Row want = oracle.visitors.get(row.get("windowStart").asLong());
      assertTrue(want != null, () -> "unexpected row " + row);
      long got = row.get("visitors").asLong();
      if (exact || want.value() < 200) {
        assertEquals(want.value(), got, () -> "visitors of " + row);
      } else {
        double error = Math.abs(got - want.value()) / (double) want.value();
        assertTrue(error <= 0.03, () -> "HLL error " + error + " for " + row);
      }
      assertEquals(want.revision(), row.get("revision").asInt(), () -> "revision of " + row);
      assertEquals(
          row.get("windowStart").asLong() + 300_000, row.get("windowEnd").asLong(), "windowEnd");
    }
  }

  private static void assertAlerts(Path out) throws IOException {
    List<JsonNode> alerts = read(out.resolve(ReplayOutput.FRAUD_ALERTS));
    Set<String> alerted = new HashSet<>();
    for (JsonNode alert : alerts) {
      String id = alert.get("alertId").asText();
      assertTrue(alerted.add(id), () -> "alerted twice: " + id);
      assertEquals(id, alert.get("txnId").asText());
      assertTrue(alert.get("countries").size() > ReplayOracle.MAX_COUNTRIES, "countries");
    }
    assertTrue(!oracle.flaggedTxnIds.isEmpty(), "the data set holds fraud");
    assertEquals(oracle.flaggedTxnIds, new java.util.TreeSet<>(alerted), "alerted transactions");
  }

  private static void assertDeadLetters(Path out) throws IOException {
    List<ReplayOracle.ExpectedDeadLetter> got = new ArrayList<>();
    for (JsonNode letter : read(out.resolve(ReplayOutput.DEAD_LETTERS))) {
      got.add(
          new ReplayOracle.ExpectedDeadLetter(
              letter.get("source").asText(),
              letter.get("offset").asLong(),
              Reason.valueOf(letter.get("reason").asText())));
      assertEquals(0, letter.get("partition").asInt());
      assertTrue(letter.hasNonNull("raw") && letter.hasNonNull("detail"), "raw and detail");
    }
    assertEquals(oracle.deadLetters, got, "dead letters in order");
    for (Reason reason : Reason.values()) {
      assertTrue(
          got.stream().anyMatch(d -> d.reason() == reason), "data set has dead letter " + reason);
    }
  }

  private static void assertCounts(Path out) throws IOException {
    JsonNode counts = JSON.readTree(out.resolve(ReplayOutput.COUNTS).toFile());
    assertCounters(oracle.pageviewCounts, counts.get("pageviews"), "counted");
    assertCounters(oracle.visitorCounts, counts.get("visitors"), "counted");
    assertCounters(oracle.fraudCounts, counts.get("fraud"), "accepted");
    assertEquals(oracle.fraudDuplicates, counts.get("fraud").get("duplicates").asLong());
    assertTrue(oracle.fraudDuplicates > 0, "the data set holds duplicate transactions");
  }

  private static void assertCounters(ReplayOracle.Counts want, JsonNode got, String counted) {
    assertEquals(want.consumed, got.get("consumed").asLong(), "consumed");
    assertEquals(want.counted, got.get(counted).asLong(), counted);
    Map<String, Long> reasons = new TreeMap<>();
    got.get("deadLetters")
        .properties()
        .forEach(e -> reasons.put(e.getKey(), e.getValue().asLong()));
    Map<String, Long> wanted = new TreeMap<>();
    want.deadLetters.forEach((reason, n) -> wanted.put(reason.name(), n));
    assertEquals(wanted, reasons, "dead letters by reason");
  }

  private static int replay(Path out, String estimator) {
    return run(
        "replay",
        "--clicks",
        clicks().toString(),
        "--transactions",
        transactions().toString(),
        "--out",
        out.toString(),
        "--visitors",
        estimator);
  }

  private static int run(String... args) {
    return Main.commandLine().execute(args);
  }

  private static Path clicks() {
    return dir.resolve("clicks.jsonl");
  }

  private static Path transactions() {
    return dir.resolve("transactions.jsonl");
  }

  private static List<JsonNode> read(Path file) throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      rows.add(JSON.readTree(line));
    }
    return rows;
  }
}
