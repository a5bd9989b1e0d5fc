package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.persistence.fraud.FraudState.Retained;
import io.tidemark.streams.event.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FraudRuleTest {

  private static final long T0 = 1_732_300_000_000L;
  private static final long MINUTE = 60_000L;
  private static final String USER = "u-42";

  private final FraudSettings settings = FraudSettings.defaults();
  private final List<TransactionAccepted> journal = new ArrayList<>();
  private FraudState state = FraudState.empty();

  @Test
  void exactlyThreeCountriesRaisesNoAlert() {
    assertNoAlert(offer("t1", T0, "DE"));
    assertNoAlert(offer("t2", T0 + MINUTE, "FR"));
    assertNoAlert(offer("t3", T0 + 2 * MINUTE, "IT"));
    assertNoAlert(offer("t4", T0 + 3 * MINUTE, "DE"));
    assertEquals(4, state.retained().size());
  }

  @Test
  void fourthCountryRaisesAlert() {
    offer("t1", T0, "DE");
    offer("t2", T0 + MINUTE, "FR");
    offer("t3", T0 + 2 * MINUTE, "IT");

    List<FraudAlert> alerts = alerts(offer("t4", T0 + 3 * MINUTE, "ES"));

    assertEquals(
        List.of(
            new FraudAlert(
                "t4",
                USER,
                "t4",
                T0 + 3 * MINUTE,
                List.of("DE", "ES", "FR", "IT"),
                List.of("t1", "t2", "t3", "t4"),
                "more-than-3-countries-in-10m",
                T0 + 3 * MINUTE)),
        alerts);
    assertTrue(retained("t4").flagged());
  }

  @Test
  void tenMinuteBoundaryExcludesTxnExactlyWindowEarlier() {
    offer("t1", T0, "DE");
    offer("t2", T0 + MINUTE, "FR");
    offer("t3", T0 + 2 * MINUTE, "IT");
    assertNoAlert(offer("t4", T0 + 10 * MINUTE, "ES"));

    state = FraudState.empty();
    offer("t1", T0 + 1, "DE");
    offer("t2", T0 + MINUTE, "FR");
    offer("t3", T0 + 2 * MINUTE, "IT");
    assertEquals(List.of("t4"), alertedIds(offer("t4", T0 + 10 * MINUTE, "ES")));
  }

  @Test
  void outOfOrderArrivalFlagsEarlierTransaction() {
    offer("t1", T0, "DE");
    offer("t2", T0 + MINUTE, "FR");
    offer("t3", T0 + 5 * MINUTE, "IT");

    // t4 is older than t3: its own window (t4.ts - 10m, t4.ts] holds DE, FR, ES only, but it
    // enters t3's window, which now holds four countries.
    List<FraudAlert> alerts = alerts(offer("t4", T0 + 2 * MINUTE, "ES"));

    assertEquals(1, alerts.size());
    FraudAlert alert = alerts.get(0);
    assertEquals("t3", alert.alertId());
    assertEquals(T0 + 5 * MINUTE, alert.txnTs());
    assertEquals(List.of("DE", "ES", "FR", "IT"), alert.countries());
    assertEquals(List.of("t1", "t2", "t4", "t3"), alert.txnIds());
    assertEquals(T0 + 2 * MINUTE, alert.detectedAt(), "detectedAt is the arrival's event time");
    assertTrue(retained("t3").flagged());
    assertTrue(!retained("t4").flagged());
  }

  @Test
  void severalFlaggedAtOnce() {
    offer("t1", T0 + MINUTE, "DE");
    offer("t2", T0 + 2 * MINUTE, "FR");
    offer("t3", T0 + 3 * MINUTE, "IT");
    offer("t4", T0 + 4 * MINUTE, "DE");
    offer("t5", T0 + 5 * MINUTE, "FR");

    List<FraudAlert> alerts = alerts(offer("t0", T0 + MINUTE / 2, "PL"));

    assertEquals(List.of("t3", "t4", "t5"), alerts.stream().map(FraudAlert::alertId).toList());
    assertEquals(List.of("t0", "t1", "t2", "t3"), alerts.get(0).txnIds());
    assertEquals(List.of("t0", "t1", "t2", "t3", "t4", "t5"), alerts.get(2).txnIds());
    for (FraudAlert alert : alerts) {
      assertEquals(List.of("DE", "FR", "IT", "PL"), alert.countries());
      assertEquals(T0 + MINUTE / 2, alert.detectedAt());
    }
  }

  @Test
  void alertsAtTheSameTimestampAreOrderedByTxnId() {
    offer("t1", T0, "DE");
    offer("t2", T0, "FR");
    offer("b", T0 + 2 * MINUTE, "IT");
    offer("a", T0 + 2 * MINUTE, "IT");

    // Transactions with the same ts are in each other's window; t0 enters both.
    List<FraudAlert> alerts = alerts(offer("t0", T0 + MINUTE, "ES"));

    assertEquals(List.of("a", "b"), alerts.stream().map(FraudAlert::alertId).toList());
    assertEquals(List.of("t1", "t2", "t0", "a", "b"), alerts.get(0).txnIds());
    assertEquals(alerts.get(0).txnIds(), alerts.get(1).txnIds());
  }

  @Test
  void duplicateTxnIsIgnored() {
    offer("t1", T0, "DE");
    offer("t2", T0 + MINUTE, "FR");
    offer("t3", T0 + 2 * MINUTE, "IT");
    offer("t4", T0 + 3 * MINUTE, "ES");
    FraudState before = state;

    Decision redelivered = offer("t4", T0 + 3 * MINUTE, "ES");
    Decision sameIdOtherContent = offer("t2", T0 + 4 * MINUTE, "PL");

    assertInstanceOf(Decision.Duplicate.class, redelivered);
    assertInstanceOf(Decision.Duplicate.class, sameIdOtherContent);
    assertSame(before, state);
  }

  @Test
  void tooLateIsRejected() {
    offer("t1", T0 + 10 * MINUTE, "DE");
    FraudState before = state;

    Decision late = offer("t2", T0 + 5 * MINUTE - 1, "FR");

    Decision.TooLate tooLate = assertInstanceOf(Decision.TooLate.class, late);
    assertEquals(T0 + 10 * MINUTE, tooLate.maxTs());
    assertEquals(
        "fraud: ts "
            + (T0 + 5 * MINUTE - 1)
            + " < maxTs "
            + (T0 + 10 * MINUTE)
            + " - allowedLateness 300000 ms",
        tooLate.detail());
    assertSame(before, state);

    assertInstanceOf(Decision.Accepted.class, offer("t3", T0 + 5 * MINUTE, "FR"));
  }

  @Test
  void firstTransactionOfAUserIsNeverTooLate() {
    assertInstanceOf(Decision.Accepted.class, offer("t1", 0, "DE"));
    assertEquals(0, state.maxTs());
  }

  @Test
  void retentionDropsOldTransactions() {
    offer("t1", T0, "DE");
    offer("t2", T0 + 1, "FR");
    offer("t3", T0 + 14 * MINUTE, "IT");
    assertEquals(List.of("t1", "t2", "t3"), retainedIds());

    // maxTs - allowedLateness - window = T0: t1 (ts = T0) goes, t2 (ts = T0 + 1) stays.
    offer("t4", T0 + 15 * MINUTE, "ES");

    assertEquals(List.of("t2", "t3", "t4"), retainedIds());
    assertEquals(T0 + 15 * MINUTE, state.maxTs());
    // A redelivery of a dropped transaction is too late, so forgetting it changed nothing.
    assertInstanceOf(Decision.TooLate.class, offer("t1", T0, "DE"));
  }

  @Test
  void flaggedTransactionNeverAlertsTwice() {
    offer("t1", T0, "DE");
    offer("t2", T0 + MINUTE, "FR");
    offer("t3", T0 + 2 * MINUTE, "IT");
    assertEquals(List.of("t4"), alertedIds(offer("t4", T0 + 3 * MINUTE, "ES")));

    // Both arrivals grow t4's window; only the arrivals themselves are newly flagged.
    assertEquals(List.of("t5"), alertedIds(offer("t5", T0 + 4 * MINUTE, "PL")));
    assertEquals(List.of("t6"), alertedIds(offer("t6", T0 + 2 * MINUTE + 1, "NL")));
    assertEquals(List.of(), alertedIds(offer("t4", T0 + 3 * MINUTE, "ES")));
  }

  @Test
  void countryCaseIsAlreadyNormalised() {
    // The decoder stores country upper case (SPEC §1); the rule compares the codes as given and
    // reports them verbatim.
    offer("t1", T0, "DE");
    offer("t2", T0 + 1, "DE");
    offer("t3", T0 + 2, "FR");
    assertNoAlert(offer("t4", T0 + 3, "IT"));

    List<FraudAlert> alerts = alerts(offer("t5", T0 + 4, "ES"));

    assertEquals(List.of("DE", "ES", "FR", "IT"), alerts.get(0).countries());
  }

  @Test
  void decideChangesNothingAndApplyingTheJournalRebuildsTheState() {
    offer("t1", T0, "DE");
    offer("t2", T0 + MINUTE, "FR");
    offer("t3", T0 + 5 * MINUTE, "IT");
    FraudState before = state;
    Transaction t4 = txn("t4", T0 + 2 * MINUTE, "ES");

    Decision first = FraudRule.decide(before, t4, settings);
    Decision second = FraudRule.decide(before, t4, settings);

    assertEquals(first, second);
    assertEquals(before, state);
    offer("t4", T0 + 2 * MINUTE, "ES");
    offer("t5", T0 + 30 * MINUTE, "PL");
    FraudState recovered = FraudState.empty();
    for (TransactionAccepted event : journal) {
      recovered = recovered.apply(event);
    }
    assertEquals(state, recovered);
    assertEquals(List.of("t5"), retainedIds());
  }

  @Test
  void botWithHundredsOfRetainedTransactionsStaysFast() {
    // 2 000 transactions, one every 500 ms in three countries: up to 1 800 retained at a time.
    // Linear work per arrival takes well under a second even on a busy machine; quadratic work
    // (billions of steps) would not finish.
    String[] countries = {"DE", "FR", "IT"};
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          for (int i = 0; i < 2_000; i++) {
            assertNoAlert(offer("b" + i, T0 + 500L * i, countries[i % 3]));
          }
        });
    assertEquals(1_800, state.retained().size());
    assertEquals(List.of("b2000"), alertedIds(offer("b2000", T0 + 500L * 2_000, "ES")));
  }

  private Decision offer(String txnId, long ts, String country) {
    Decision decision = FraudRule.decide(state, txn(txnId, ts, country), settings);
    if (decision instanceof Decision.Accepted accepted) {
      journal.add(accepted.event());
      state = state.apply(accepted.event());
    }
    return decision;
  }

  private static Transaction txn(String txnId, long ts, String country) {
    return new Transaction(txnId, USER, 12.5, "EUR", country, ts);
  }

  private static List<FraudAlert> alerts(Decision decision) {
    return assertInstanceOf(Decision.Accepted.class, decision).alerts();
  }

  private static List<String> alertedIds(Decision decision) {
    if (decision instanceof Decision.Accepted accepted) {
      return accepted.alerts().stream().map(FraudAlert::alertId).toList();
    }
    return List.of();
  }

  private static void assertNoAlert(Decision decision) {
    assertEquals(List.of(), alerts(decision));
  }

  private Retained retained(String txnId) {
    return state.retained().stream().filter(r -> r.txnId().equals(txnId)).findFirst().orElseThrow();
  }

  private List<String> retainedIds() {
    return state.retained().stream().map(Retained::txnId).toList();
  }
}
