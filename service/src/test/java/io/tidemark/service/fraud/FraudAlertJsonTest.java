package io.tidemark.service.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.persistence.fraud.FraudAlert;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FraudAlertJsonTest {

  static final FraudAlert ALERT =
      new FraudAlert(
          "t-4",
          "u-\"42\"",
          "t-4",
          1_732_300_000_123L,
          List.of("CH", "DE", "FR", "JP"),
          List.of("t-1", "t-2", "t-3", "t-4"),
          "more-than-3-countries-in-10m",
          1_732_300_000_123L);

  @Test
  void valueHasExactlyTheFieldsOfTheSpec() throws Exception {
    JsonNode json = new ObjectMapper().readTree(FraudAlertJson.encode(ALERT));
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    assertEquals(
        List.of("alertId", "userId", "txnId", "txnTs", "countries", "txnIds", "rule", "detectedAt"),
        names);
    assertEquals(1_732_300_000_123L, json.get("txnTs").asLong());
    assertEquals("u-\"42\"", json.get("userId").asText());
    assertEquals(4, json.get("countries").size());
  }

  @Test
  void decodeReturnsTheEncodedAlert() {
    assertEquals(ALERT, FraudAlertJson.decode(FraudAlertJson.encode(ALERT)));
  }
}
