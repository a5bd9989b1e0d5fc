package io.tidemark.service.replay;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.streams.event.DeadLetter;
import io.tidemark.streams.event.DeadLetterJson;
import io.tidemark.streams.event.Reason;
import io.tidemark.streams.time.WindowResult;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes the files of SPEC §6.1: one JSON object per line, one row per key with its final value,
 * times as epoch ms, field names camelCase, rows in key order; and {@code counts.json}.
 */
final class ReplayOutput {

  static final String PAGE_VIEWS = "page_views.jsonl";
  static final String UNIQUE_VISITORS = "unique_visitors.jsonl";
  static final String FRAUD_ALERTS = "fraud_alerts.jsonl";
  static final String DEAD_LETTERS = "dead_letters.jsonl";
  static final String COUNTS = "counts.json";

  private static final JsonFactory JSON = new JsonFactory();

  private ReplayOutput() {}

  static void write(Path dir, ClickReplay clicks, FraudReplay fraud) throws IOException {
    Files.createDirectories(dir);
    writePageViews(dir.resolve(PAGE_VIEWS), clicks.pageViewRows.values());
    writeVisitors(dir.resolve(UNIQUE_VISITORS), clicks.visitorRows.values());
    writeAlerts(dir.resolve(FRAUD_ALERTS), fraud.alerts);
    try (OutputStream out = open(dir.resolve(DEAD_LETTERS))) {
      writeDeadLetters(out, clicks.deadLetters);
      writeDeadLetters(out, fraud.deadLetters);
    }
    writeCounts(dir.resolve(COUNTS), clicks, fraud);
  }

  private static void writePageViews(Path file, Collection<WindowResult<?, ?>> rows)
      throws IOException {
    try (JsonGenerator json = lines(file)) {
      for (WindowResult<?, ?> row : rows) {
        json.writeStartObject();
        json.writeStringField("page", (String) row.key());
        json.writeNumberField("windowStart", row.windowStart());
        json.writeNumberField("windowEnd", row.windowEnd());
        json.writeNumberField("views", ClickReplay.views(row));
        json.writeNumberField("revision", row.revision());
        endLine(json);
      }
    }
  }

  private static void writeVisitors(Path file, Collection<WindowResult<?, ?>> rows)
      throws IOException {
    try (JsonGenerator json = lines(file)) {
      for (WindowResult<?, ?> row : rows) {
        json.writeStartObject();
        json.writeNumberField("windowStart", row.windowStart());
        json.writeNumberField("windowEnd", row.windowEnd());
        json.writeNumberField("visitors", ClickReplay.visitors(row));
        json.writeNumberField("revision", row.revision());
        endLine(json);
      }
    }
  }

  private static void writeAlerts(Path file, Collection<FraudAlert> alerts) throws IOException {
    try (JsonGenerator json = lines(file)) {
      for (FraudAlert alert : alerts) {
        json.writeStartObject();
        json.writeStringField("alertId", alert.alertId());
        json.writeStringField("userId", alert.userId());
        json.writeStringField("txnId", alert.txnId());
        json.writeNumberField("txnTs", alert.txnTs());
        json.writeArrayFieldStart("countries");
        for (String country : alert.countries()) {
          json.writeString(country);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("txnIds");
        for (String txnId : alert.txnIds()) {
          json.writeString(txnId);
        }
        json.writeEndArray();
        json.writeStringField("rule", alert.rule());
        json.writeNumberField("detectedAt", alert.detectedAt());
        endLine(json);
      }
    }
  }

  /** Writes dead letters in offset order (decoding and windowing find them on two threads). */
  private static void writeDeadLetters(OutputStream out, List<DeadLetter> letters)
      throws IOException {
    List<DeadLetter> inOrder = new ArrayList<>(letters);
    inOrder.sort(Comparator.comparingLong(DeadLetter::offset));
    for (DeadLetter letter : inOrder) {
      out.write(DeadLetterJson.encode(letter));
      out.write('\n');
    }
  }

  private static void writeCounts(Path file, ClickReplay clicks, FraudReplay fraud)
      throws IOException {
    try (JsonGenerator json = JSON.createGenerator(open(file), JsonEncoding.UTF8)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeObjectFieldStart("pageviews");
      writeCounters(json, clicks.pageViews, "counted");
      json.writeEndObject();
      json.writeObjectFieldStart("visitors");
      writeCounters(json, clicks.visitors, "counted");
      json.writeEndObject();
      json.writeObjectFieldStart("fraud");
      writeCounters(json, fraud.counts, "accepted");
      json.writeEndObject();
      json.writeEndObject();
      json.writeRaw('\n');
    }
  }

  private static void writeCounters(JsonGenerator json, ComputationCounts counts, String counted)
      throws IOException {
    json.writeNumberField("consumed", counts.consumed);
    json.writeNumberField(counted, counts.counted);
    if (counted.equals("accepted")) {
      json.writeNumberField("duplicates", counts.duplicates);
    }
    json.writeObjectFieldStart("deadLetters");
    for (Map.Entry<Reason, Long> e : counts.deadLetters.entrySet()) {
      json.writeNumberField(e.getKey().name(), e.getValue());
    }
    json.writeEndObject();
  }

  /** A generator writing compact objects, each ended by {@link #endLine}. */
  private static JsonGenerator lines(Path file) throws IOException {
    JsonGenerator json = JSON.createGenerator(open(file), JsonEncoding.UTF8);
    json.setPrettyPrinter(new MinimalPrettyPrinter(""));
    return json;
  }

  private static void endLine(JsonGenerator json) throws IOException {
    json.writeEndObject();
    json.writeRaw('\n');
  }

  private static OutputStream open(Path file) throws IOException {
    return new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
  }
}
