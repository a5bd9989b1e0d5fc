package io.tidemark.service.generate;

import static io.tidemark.service.generate.GeneratorTest.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the transactions through a brute-force model of the fraud rule of SPEC §3.3 (window 10 min,
 * more than 3 countries, lateness 5 min) and checks each pattern yields the alerts it is built for.
 */
class FraudPatternsTest {

  private static final long WINDOW = 600_000;
  private static final long LATENESS = 300_000;

  /** One accepted transaction of the model. */
  record Txn(String txnId, String country, long ts, int arrival) {}

  /** An alert: the flagged transaction and the arrival that flagged it. */
  record Alert(String userId, Txn flagged, Txn by) {}

  static final Map<String, Injected> PATTERN_OF_USER = new HashMap<>();
  static final List<Alert> ALERTS = new ArrayList<>();
  static int duplicates;
  static int tooLate;

  @BeforeAll
  static void runModel() {
    Map<String, List<Txn>> accepted = new HashMap<>();
    Map<String, Long> maxTs = new HashMap<>();
    Set<String> flagged = new HashSet<>();
    int arrival = 0;
    for (GeneratedRecord record : GeneratorTest.TRANSACTIONS) {
      arrival++;
      if (!record.kind().decodes()) {
        continue;
      }
      JsonNode node = SpecModel.parse(record.value());
      String user = node.get("userId").textValue();
      if (record.kind().name().startsWith("FRAUD_")) {
        PATTERN_OF_USER.put(user, record.kind());
      }
      Txn txn =
          new Txn(
              node.get("txnId").textValue(),
              node.get("country").textValue().toUpperCase(Locale.ROOT),
              node.get("ts").asLong(),
              arrival);
      List<Txn> mine = accepted.computeIfAbsent(user, u -> new ArrayList<>());
      long max = maxTs.getOrDefault(user, Long.MIN_VALUE);
      boolean duplicate = mine.stream().anyMatch(t -> t.txnId().equals(txn.txnId()));
      boolean late = !duplicate && max != Long.MIN_VALUE && txn.ts() < max - LATENESS;
      assertEquals(record.kind() == Injected.TXN_DUPLICATE, duplicate, describe(record));
      assertEquals(record.kind().tooLate(), late, describe(record));
      if (duplicate) {
        duplicates++;
      } else if (late) {
        tooLate++;
      } else {
        mine.add(txn);
        long newMax = Math.max(max, txn.ts());
        maxTs.put(user, newMax);
        for (Txn t : mine) {
          if (!flagged.contains(t.txnId()) && countries(mine, t.ts()) > 3) {
            flagged.add(t.txnId());
            ALERTS.add(new Alert(user, t, txn));
          }
        }
        mine.removeIf(t -> t.ts() <= newMax - LATENESS - WINDOW);
      }
    }
  }

  private static long countries(List<Txn> txns, long ts) {
    return txns.stream()
        .filter(t -> t.ts() > ts - WINDOW && t.ts() <= ts)
        .map(Txn::country)
        .distinct()
        .count();
  }

  @Test
  void everyPatternIsActedOut() {
    assertEquals(
        Set.of(
            Injected.FRAUD_BURST,
            Injected.FRAUD_THREE_COUNTRIES,
            Injected.FRAUD_LATE_FOURTH_COUNTRY,
            Injected.FRAUD_EDGE_EXCLUDED,
            Injected.FRAUD_EDGE_INCLUDED),
        Set.copyOf(PATTERN_OF_USER.values()));
    assertEquals(new Generator(GeneratorTest.SETTINGS).fraudPatternUsers(), PATTERN_OF_USER.size());
  }

  @Test
  void onlyPatternUsersWithFourCountriesRaiseAlerts() {
    for (Alert alert : ALERTS) {
      Injected pattern = PATTERN_OF_USER.get(alert.userId());
      assertTrue(
          pattern == Injected.FRAUD_BURST
              || pattern == Injected.FRAUD_LATE_FOURTH_COUNTRY
              || pattern == Injected.FRAUD_EDGE_INCLUDED,
          alert.toString());
    }
  }

  @Test
  void everyBurstRaisesAlertsFromTheFourthCountryOn() {
    PATTERN_OF_USER.forEach(
        (user, pattern) -> {
          if (pattern == Injected.FRAUD_BURST) {
            assertFalse(alertsOf(user).isEmpty(), user);
          }
        });
  }

  @Test
  void threeCountriesAndTheExcludedEdgeRaiseNoAlert() {
    PATTERN_OF_USER.forEach(
        (user, pattern) -> {
          if (pattern == Injected.FRAUD_THREE_COUNTRIES
              || pattern == Injected.FRAUD_EDGE_EXCLUDED) {
            assertEquals(List.of(), alertsOf(user), user);
          }
        });
  }

  @Test
  void includedEdgeRaisesExactlyOneAlert() {
    PATTERN_OF_USER.forEach(
        (user, pattern) -> {
          if (pattern == Injected.FRAUD_EDGE_INCLUDED) {
            assertEquals(1, alertsOf(user).size(), user);
          }
        });
  }

  @Test
  void lateFourthCountryFlagsAnEarlierArrival() {
    PATTERN_OF_USER.forEach(
        (user, pattern) -> {
          if (pattern == Injected.FRAUD_LATE_FOURTH_COUNTRY) {
            List<Alert> alerts = alertsOf(user);
            assertEquals(1, alerts.size(), user);
            Alert alert = alerts.get(0);
            assertTrue(alert.flagged().arrival() < alert.by().arrival(), alert.toString());
            assertTrue(alert.flagged().ts() > alert.by().ts(), alert.toString());
          }
        });
  }

  @Test
  void redeliveriesAndTooLateTransactionsOccur() {
    assertTrue(duplicates > 0);
    assertTrue(tooLate > 0);
  }

  private static List<Alert> alertsOf(String user) {
    return ALERTS.stream().filter(alert -> alert.userId().equals(user)).toList();
  }
}
