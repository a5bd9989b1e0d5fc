package io.tidemark.persistence.fraud;

import io.tidemark.persistence.fraud.FraudState.Retained;
import io.tidemark.streams.event.Transaction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fraud rule of SPEC §3.3 as a pure function: a user's {@link FraudState} and an arriving
 * transaction in, a {@link Decision} out. Nothing is mutated; the fraud entity persists the
 * decision's event and applies it with {@link FraudState#apply}, and {@code tidemark replay} does
 * the same in a plain loop, so both produce identical alerts.
 *
 * <p>Cost per arrival is linear in the number of retained transactions (one pass for the duplicate
 * check, one copy, one sliding-window sweep over the transactions whose window the arrival enters),
 * plus the size of the alerts it raises.
 */
public final class FraudRule {

  private FraudRule() {}

  /**
   * Decides on {@code txn}, the next transaction of the user whose state is {@code state}, in this
   * order: a retained txnId makes it a {@link Decision.Duplicate}; {@code ts < maxTs -
   * allowedLateness} makes it {@link Decision.TooLate}; otherwise it is {@link Decision.Accepted},
   * with an alert for every transaction this arrival flags: the arrival itself and earlier or later
   * retained transactions whose window {@code (u.ts - window, u.ts]} now holds more than {@code
   * maxCountries} countries and that were not flagged before.
   */
  public static Decision decide(FraudState state, Transaction txn, FraudSettings settings) {
    if (state.retains(txn.txnId())) {
      return new Decision.Duplicate(txn);
    }
    if (txn.ts() < minus(state.maxTs(), settings.allowedLatenessMillis())) {
      return new Decision.TooLate(txn, state.maxTs(), settings.allowedLatenessMillis());
    }
    List<Retained> withArrival = state.with(Retained.of(txn, false));
    List<FraudAlert> alerts = newlyFlagged(withArrival, txn, settings);
    long maxTs = Math.max(state.maxTs(), txn.ts());
    long horizon = minus(minus(maxTs, settings.allowedLatenessMillis()), settings.windowMillis());
    return new Decision.Accepted(new TransactionAccepted(txn, alerts, horizon));
  }

  /**
   * Sweeps the transactions whose window contains the arrival (those with {@code arrival.ts <= u.ts
   * < arrival.ts + window}, the arrival among them) in order, sliding one window of country counts
   * along: every transaction enters and leaves it once.
   */
  private static List<FraudAlert> newlyFlagged(
      List<Retained> txns, Transaction arrival, FraudSettings settings) {
    long window = settings.windowMillis();
    int first = FraudState.firstAfter(txns, arrival.ts() - 1);
    int left = FraudState.firstAfter(txns, arrival.ts() - window);
    int right = left;
    CountryCounts countries = new CountryCounts();
    List<FraudAlert> alerts = new ArrayList<>();
    for (int i = first; i < txns.size() && txns.get(i).ts() - arrival.ts() < window; i++) {
      Retained u = txns.get(i);
      for (; right < txns.size() && txns.get(right).ts() <= u.ts(); right++) {
        countries.add(txns.get(right).country());
      }
      for (; txns.get(left).ts() <= u.ts() - window; left++) {
        countries.remove(txns.get(left).country());
      }
      if (!u.flagged() && countries.distinct() > settings.maxCountries()) {
        alerts.add(alert(u, txns.subList(left, right), countries, arrival, settings));
      }
    }
    return alerts;
  }

  private static FraudAlert alert(
      Retained flagged,
      List<Retained> window,
      CountryCounts countries,
      Transaction arrival,
      FraudSettings settings) {
    List<String> txnIds = new ArrayList<>(window.size());
    for (Retained r : window) {
      txnIds.add(r.txnId());
    }
    return new FraudAlert(
        flagged.txnId(),
        arrival.userId(),
        flagged.txnId(),
        flagged.ts(),
        countries.sorted(),
        txnIds,
        settings.rule(),
        arrival.ts());
  }

  /** How many transactions of each country the sliding window holds. */
  private static final class CountryCounts {
    // A mutable int[1] per country rather than boxed Integers: a bot's window holds thousands.
    private final Map<String, int[]> counts = new HashMap<>();

    void add(String country) {
      counts.computeIfAbsent(country, c -> new int[1])[0]++;
    }

    void remove(String country) {
      if (--counts.get(country)[0] == 0) {
        counts.remove(country);
      }
    }

    int distinct() {
      return counts.size();
    }

    List<String> sorted() {
      List<String> countries = new ArrayList<>(counts.keySet());
      Collections.sort(countries);
      return countries;
    }
  }

  /** {@code a - b} for {@code b >= 0}, stopping at {@link Long#MIN_VALUE} instead of wrapping. */
  private static long minus(long a, long b) {
    return a < Long.MIN_VALUE + b ? Long.MIN_VALUE : a - b;
  }
}
