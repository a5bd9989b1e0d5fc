package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidemark.persistence.TestSchema;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code fraud_alerts} table on the real PostgreSQL: alerts and the alert topic's offsets go in
 * together, a redelivered group changes nothing, offsets never move back, and the longest alert id
 * SPEC §1 allows is stored.
 */
class FraudAlertsTableTest {

  private static final long T0 = 1_732_300_000_000L;

  private TestSchema schema;
  private FraudAlertsTable table;

  @BeforeEach
  void migrate() {
    schema = TestSchema.create("alerts", 2);
    table = new FraudAlertsTable(schema.dataSource());
  }

  @AfterEach
  void drop() throws SQLException {
    schema.close();
  }

  private static FraudAlert alert(String id) {
    return new FraudAlert(
        id, "u-1", id, T0, List.of("DE", "ES", "FR", "IT"), List.of("t-1", id), "rule", T0);
  }

  @Test
  void alertsAndOffsetsGoInTogetherAndARedeliveryChangesNothing() throws SQLException {
    table.write("fraud-alerts", 0, 3, List.of(alert("t-4"), alert("t-5")));
    table.write("fraud-alerts", 1, 7, List.of());
    // The same group again (another reader during a rebalance), then an older position.
    table.write("fraud-alerts", 0, 3, List.of(alert("t-4"), alert("t-5")));
    table.write("fraud-alerts", 0, 2, List.of(alert("t-5")));

    assertEquals(Map.of(0, 3L, 1, 7L), table.offsets("fraud-alerts"));
    assertEquals(
        List.of("t-4", "t-5"), schema.strings("SELECT alert_id FROM fraud_alerts ORDER BY 1"));
    assertEquals(Map.of(), table.offsets("other-topic"));
  }

  @Test
  void theLongestAlertIdIsStored() throws SQLException {
    String longest = "\u20ac".repeat(1024);
    table.write("fraud-alerts", 0, 1, List.of(alert(longest)));
    table.write("fraud-alerts", 0, 1, List.of(alert(longest)));
    assertEquals(List.of(longest), schema.strings("SELECT alert_id FROM fraud_alerts"));
  }
}
