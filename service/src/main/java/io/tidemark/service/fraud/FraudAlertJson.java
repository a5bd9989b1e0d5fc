package io.tidemark.service.fraud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.persistence.fraud.FraudAlert;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON value of a {@code fraud-alerts} record (SPEC §4.2): {@code {"alertId","userId","txnId",
 * "txnTs","countries","txnIds","rule","detectedAt"}}, times as epoch ms, compact UTF-8.
 */
public final class FraudAlertJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private FraudAlertJson() {}

  /** Encodes one alert. */
  public static byte[] encode(FraudAlert alert) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("alertId", alert.alertId());
    json.put("userId", alert.userId());
    json.put("txnId", alert.txnId());
    json.put("txnTs", alert.txnTs());
    ArrayNode countries = json.putArray("countries");
    alert.countries().forEach(countries::add);
    ArrayNode txnIds = json.putArray("txnIds");
    alert.txnIds().forEach(txnIds::add);
    json.put("rule", alert.rule());
    json.put("detectedAt", alert.detectedAt());
    try {
      return MAPPER.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes a record value written by {@link #encode}. */
  public static FraudAlert decode(byte[] value) {
    try {
      JsonNode json = MAPPER.readTree(value);
      return new FraudAlert(
          json.get("alertId").asText(),
          json.get("userId").asText(),
          json.get("txnId").asText(),
          json.get("txnTs").asLong(),
          strings(json.get("countries")),
          strings(json.get("txnIds")),
          json.get("rule").asText(),
          json.get("detectedAt").asLong());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
