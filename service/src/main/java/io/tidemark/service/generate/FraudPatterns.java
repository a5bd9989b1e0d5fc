package io.tidemark.service.generate;

import static io.tidemark.service.generate.Injected.FRAUD_BURST;
import static io.tidemark.service.generate.Injected.FRAUD_EDGE_EXCLUDED;
import static io.tidemark.service.generate.Injected.FRAUD_EDGE_INCLUDED;
import static io.tidemark.service.generate.Injected.FRAUD_LATE_FOURTH_COUNTRY;
import static io.tidemark.service.generate.Injected.FRAUD_THREE_COUNTRIES;
import static io.tidemark.service.generate.Injected.TXN_DUPLICATE;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * The scripted fraud scenarios of one run, built up front: each pattern user acts out one pattern
 * (cycling through the five kinds) starting at a random time, with countries drawn from the user's
 * home and the other countries in random order. Each record comes with the clock time at which it
 * is sent, which is its {@code ts} except for the out-of-order fourth country and redeliveries. The
 * window is the SPEC default of 10 minutes and the threshold "more than 3 countries".
 */
final class FraudPatterns {

  /** A pattern record and the clock time at which it is sent; {@code order} breaks ties. */
  record Scheduled(long emitAt, long order, GeneratedRecord record) {}

  /** Every pattern record in sending order, and the last txn sequence number they used. */
  record Plan(Deque<Scheduled> records, long lastTxnSeq) {}

  private static final long MINUTE = 60_000;
  private static final long WINDOW = 10 * MINUTE;

  private final Population population;
  private final Rng rng;
  private final List<Scheduled> scheduled = new ArrayList<>();
  private long txnSeq;

  private FraudPatterns(Population population, Rng rng) {
    this.population = population;
    this.rng = rng;
  }

  /** Plans every pattern; their txnIds are {@code t-0000001} upwards. */
  static Plan plan(Population population, long start, long span, Rng rng) {
    FraudPatterns patterns = new FraudPatterns(population, rng);
    long latestAnchor = span - MINUTE - Generator.PATTERN_DURATION_MS;
    for (int p = 0; p < population.patternUsers(); p++) {
      int user = population.patternUser(p);
      int[] countries = patterns.countries(population.home(user));
      long anchor = start + MINUTE + (long) (rng.nextDouble() * latestAnchor);
      switch (p % 5) {
        case 0 -> patterns.burst(user, countries, anchor);
        case 1 -> patterns.threeCountries(user, countries, anchor);
        case 2 -> patterns.lateFourthCountry(user, countries, anchor);
        case 3 -> patterns.edge(FRAUD_EDGE_EXCLUDED, user, countries, anchor);
        default -> patterns.edge(FRAUD_EDGE_INCLUDED, user, countries, anchor + 1);
      }
    }
    patterns.scheduled.sort(
        Comparator.comparingLong(Scheduled::emitAt).thenComparingLong(Scheduled::order));
    return new Plan(new ArrayDeque<>(patterns.scheduled), patterns.txnSeq);
  }

  /** The user's home country first, then all others in random order. */
  private int[] countries(int home) {
    int n = Population.countryCount();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = (home + i) % n;
    }
    for (int i = n - 1; i > 1; i--) {
      int j = 1 + rng.nextInt(i);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  /** 4–6 countries, 20–100 s apart; the first flagged transaction is redelivered at the end. */
  private void burst(int user, int[] countries, long anchor) {
    int n = 4 + rng.nextInt(3);
    long step = rng.between(20_000, 100_000);
    GeneratedRecord fourth = null;
    for (int j = 0; j < n; j++) {
      GeneratedRecord record = add(FRAUD_BURST, user, countries[j], anchor + j * step);
      fourth = j == 3 ? record : fourth;
    }
    GeneratedRecord again =
        new GeneratedRecord(
            Generator.TRANSACTIONS, fourth.key(), fourth.value(), fourth.ts(), TXN_DUPLICATE);
    scheduled.add(new Scheduled(anchor + n * step + 30_000, scheduled.size(), again));
  }

  /** Home, two foreign countries, the first of them again in lower case, home: 3 countries. */
  private void threeCountries(int user, int[] countries, long anchor) {
    add(FRAUD_THREE_COUNTRIES, user, countries[0], anchor);
    add(FRAUD_THREE_COUNTRIES, user, countries[1], anchor + MINUTE);
    add(FRAUD_THREE_COUNTRIES, user, countries[2], anchor + 2 * MINUTE);
    JsonFields lower = fields(user, countries[1], anchor + 3 * MINUTE);
    lower.set("country", JsonText.quote(Population.country(countries[1]).toLowerCase(Locale.ROOT)));
    add(FRAUD_THREE_COUNTRIES, user, lower, anchor + 3 * MINUTE, anchor + 3 * MINUTE);
    add(FRAUD_THREE_COUNTRIES, user, countries[0], anchor + 4 * MINUTE);
  }

  /** Three countries, then a fourth sent after the third but dated before it. */
  private void lateFourthCountry(int user, int[] countries, long anchor) {
    add(FRAUD_LATE_FOURTH_COUNTRY, user, countries[0], anchor);
    add(FRAUD_LATE_FOURTH_COUNTRY, user, countries[1], anchor + MINUTE);
    add(FRAUD_LATE_FOURTH_COUNTRY, user, countries[2], anchor + 2 * MINUTE);
    // Its own window holds 3 countries, the third's holds 4: it flags the third, not itself.
    long ts = anchor + 90_000;
    add(FRAUD_LATE_FOURTH_COUNTRY, user, fields(user, countries[3], ts), ts, anchor + 150_000);
  }

  /**
   * A foreign country at {@code first}, two more 8 and 9 minutes later, then home exactly 10 min
   * after {@code first} (outside its window: no alert) or 10 min - 1 ms after it (inside: alert).
   */
  private void edge(Injected kind, int user, int[] countries, long first) {
    long last = kind == FRAUD_EDGE_EXCLUDED ? first + WINDOW : first + WINDOW - 1;
    add(kind, user, countries[1], first);
    add(kind, user, countries[2], last - 2 * MINUTE);
    add(kind, user, countries[3], last - MINUTE);
    add(kind, user, countries[0], last);
  }

  private GeneratedRecord add(Injected kind, int user, int country, long ts) {
    return add(kind, user, fields(user, country, ts), ts, ts);
  }

  private GeneratedRecord add(Injected kind, int user, JsonFields f, long ts, long emitAt) {
    byte[] value = Mutations.utf8(f.render());
    GeneratedRecord record =
        new GeneratedRecord(Generator.TRANSACTIONS, population.userKey(user), value, ts, kind);
    scheduled.add(new Scheduled(emitAt, scheduled.size(), record));
    return record;
  }

  private JsonFields fields(int user, int country, long ts) {
    long cents = rng.between(1_000, 250_000);
    return new JsonFields()
        .string("txnId", JsonText.paddedId("t-", ++txnSeq, 7))
        .string("userId", population.userId(user))
        .raw("amount", JsonText.amount(cents))
        .string("currency", Population.currency(country))
        .string("country", Population.country(country))
        .raw("ts", Long.toString(ts));
  }
}
