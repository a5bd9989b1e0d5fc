package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.streams.event.Transaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Checks {@link FraudRule} and {@link FraudState} against a brute-force reading of SPEC §3.3 that
 * keeps every accepted transaction and recomputes everything from scratch at each arrival.
 */
class FraudRulePropertyTest {

  private static final long T0 = 1_732_300_000_000L;
  private static final long MINUTE = 60_000L;
  private static final String[] COUNTRIES = {"DE", "FR", "IT", "ES", "PL"};

  enum Kind {
    ACCEPTED,
    DUPLICATE,
    TOO_LATE
  }

  @Property(tries = 400)
  void decisionsMatchBruteForceModel(@ForAll("histories") History history) {
    FraudSettings settings = history.settings();
    BruteForce model = new BruteForce(settings);
    FraudState state = FraudState.empty();
    List<String> alerted = new ArrayList<>();

    for (Transaction txn : history.arrivals()) {
      Decision decision = FraudRule.decide(state, txn, settings);
      List<FraudAlert> expectedAlerts = new ArrayList<>();
      Kind expected = model.offer(txn, expectedAlerts);

      assertEquals(expected, kindOf(decision), () -> "classification of " + txn);
      if (decision instanceof Decision.Accepted accepted) {
        assertEquals(expectedAlerts, accepted.alerts(), () -> "alerts on arrival of " + txn);
        accepted.alerts().forEach(alert -> alerted.add(alert.alertId()));
        state = state.apply(accepted.event());
      }
      assertEquals(model.retainedIds(), retainedIds(state), "retained transactions");
    }

    assertEquals(alerted.size(), new HashSet<>(alerted).size(), "no transaction alerted twice");
    assertEquals(model.flagged(), new HashSet<>(alerted), "alerted = flagged over all of A");
  }

  @Provide
  Arbitrary<History> histories() {
    Arbitrary<FraudSettings> random =
        Combinators.combine(
                Arbitraries.integers().between(1, 12),
                Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(0, 8))
            .as((window, countries, lateness) -> settings(window, countries, lateness));
    Arbitrary<FraudSettings> settings =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just(FraudSettings.defaults())), Tuple.of(2, random));
    Arbitrary<Draw> draws =
        Combinators.combine(
                Arbitraries.integers().between(-10, 3),
                Arbitraries.of(-1L, 0L, 0L, 0L, 1L),
                Arbitraries.integers().between(0, COUNTRIES.length - 1),
                Arbitraries.integers().between(0, 9),
                Arbitraries.integers().between(0, 1_000))
            .as(Draw::new);
    return Combinators.combine(
            settings,
            Arbitraries.of(15_000L, 60_000L, 180_000L),
            Arbitraries.integers().between(2, COUNTRIES.length),
            draws.list().ofMaxSize(80))
        .as(FraudRulePropertyTest::history);
  }

  private static FraudSettings settings(int windowMinutes, int maxCountries, int lateMinutes) {
    return new FraudSettings(windowMinutes * MINUTE, maxCountries, lateMinutes * MINUTE);
  }

  /**
   * One random arrival: at {@code index * pace + minutes + jitterMs} (a clock drifting forward with
   * random disorder around it, jitter landing on and beside window and lateness boundaries), or,
   * one time in five, a redelivery of an earlier arrival.
   */
  record Draw(int minutes, long jitterMs, int country, int redeliver, int pick) {}

  record History(FraudSettings settings, List<Transaction> arrivals) {}

  private static History history(
      FraudSettings settings, long pace, int countries, List<Draw> draws) {
    List<Transaction> arrivals = new ArrayList<>();
    for (int i = 0; i < draws.size(); i++) {
      Draw d = draws.get(i);
      if (d.redeliver() < 2 && !arrivals.isEmpty()) {
        arrivals.add(arrivals.get(d.pick() % arrivals.size()));
      } else {
        long ts = T0 + i * pace + d.minutes() * MINUTE + d.jitterMs();
        arrivals.add(
            new Transaction("t-" + i, "u-1", 1.0, "EUR", COUNTRIES[d.country() % countries], ts));
      }
    }
    return new History(settings, arrivals);
  }

  private static Kind kindOf(Decision decision) {
    if (decision instanceof Decision.Accepted) {
      return Kind.ACCEPTED;
    }
    return decision instanceof Decision.Duplicate ? Kind.DUPLICATE : Kind.TOO_LATE;
  }

  private static List<String> retainedIds(FraudState state) {
    return state.retained().stream().map(FraudState.Retained::txnId).toList();
  }

  /** SPEC §3.3 read literally, keeping all of A and recomputing every window on every arrival. */
  private static final class BruteForce {
    private static final Comparator<Transaction> BY_TS_THEN_ID =
        Comparator.comparingLong(Transaction::ts).thenComparing(Transaction::txnId);

    private final FraudSettings settings;
    private final List<Transaction> accepted = new ArrayList<>();
    private Set<String> flagged = new HashSet<>();

    BruteForce(FraudSettings settings) {
      this.settings = settings;
    }

    /** Classifies {@code txn}; when accepted, adds the alerts it causes to {@code alerts}. */
    Kind offer(Transaction txn, List<FraudAlert> alerts) {
      if (!accepted.isEmpty()) {
        for (Transaction kept : accepted) {
          if (isRetained(kept) && kept.txnId().equals(txn.txnId())) {
            return Kind.DUPLICATE;
          }
        }
        if (txn.ts() < maxTs() - settings.allowedLatenessMillis()) {
          return Kind.TOO_LATE;
        }
      }
      for (Transaction a : accepted) {
        assertTrue(!a.txnId().equals(txn.txnId()), "txnIds in A are unique");
      }
      accepted.add(txn);
      List<Transaction> newlyFlagged = new ArrayList<>();
      Set<String> nowFlagged = new HashSet<>();
      for (Transaction t : accepted) {
        if (countries(windowOf(t)).size() > settings.maxCountries()) {
          nowFlagged.add(t.txnId());
          if (!flagged.contains(t.txnId())) {
            newlyFlagged.add(t);
          }
        }
      }
      assertTrue(nowFlagged.containsAll(flagged), "flagging is monotone");
      flagged = nowFlagged;
      newlyFlagged.sort(BY_TS_THEN_ID);
      for (Transaction t : newlyFlagged) {
        List<Transaction> window = windowOf(t);
        alerts.add(
            new FraudAlert(
                t.txnId(),
                t.userId(),
                t.txnId(),
                t.ts(),
                List.copyOf(countries(window)),
                window.stream().map(Transaction::txnId).toList(),
                settings.rule(),
                txn.ts()));
      }
      return Kind.ACCEPTED;
    }

    Set<String> flagged() {
      return flagged;
    }

    List<String> retainedIds() {
      return accepted.stream()
          .filter(this::isRetained)
          .sorted(BY_TS_THEN_ID)
          .map(Transaction::txnId)
          .toList();
    }

    private long maxTs() {
      return accepted.stream().mapToLong(Transaction::ts).max().orElseThrow();
    }

    private boolean isRetained(Transaction t) {
      return t.ts() > maxTs() - settings.allowedLatenessMillis() - settings.windowMillis();
    }

    /** The transactions of A with {@code t.ts - window < ts <= t.ts}, by ts then txnId. */
    private List<Transaction> windowOf(Transaction t) {
      return accepted.stream()
          .filter(a -> t.ts() - settings.windowMillis() < a.ts() && a.ts() <= t.ts())
          .sorted(BY_TS_THEN_ID)
          .toList();
    }

    private static TreeSet<String> countries(List<Transaction> txns) {
      TreeSet<String> countries = new TreeSet<>();
      txns.forEach(t -> countries.add(t.country()));
      return countries;
    }
  }
}
