package io.tidemark.service.generate;

import static io.tidemark.service.generate.Injected.TXN_AMOUNT_FORMS;
import static io.tidemark.service.generate.Injected.TXN_DUPLICATE;
import static io.tidemark.service.generate.Injected.TXN_HOME;
import static io.tidemark.service.generate.Injected.TXN_LATENESS_EDGE;
import static io.tidemark.service.generate.Injected.TXN_LATE_ACCEPTED;
import static io.tidemark.service.generate.Injected.TXN_LOWERCASE_COUNTRY;
import static io.tidemark.service.generate.Injected.TXN_NO_CURRENCY;
import static io.tidemark.service.generate.Injected.TXN_TOO_LATE;
import static io.tidemark.service.generate.Injected.TXN_TRAVEL;
import static io.tidemark.service.generate.Injected.VALID_DUPLICATE_KEYS;
import static io.tidemark.service.generate.Injected.VALID_ESCAPES;
import static io.tidemark.service.generate.Injected.VALID_MAX_LENGTH;
import static io.tidemark.service.generate.Injected.VALID_MIN_TS;
import static io.tidemark.service.generate.Injected.VALID_UNICODE;
import static io.tidemark.service.generate.Injected.VALID_UNKNOWN_FIELDS;
import static io.tidemark.service.generate.Injected.VALID_WHITESPACE;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * The deterministic sequence of transaction records of one run (see {@link Generator} for the mix).
 * A clock spreads the records evenly over {@link Generator#transactionSpanMs()}; background users
 * buy mostly at home, and the fraud patterns, scheduled up front, are merged in as the clock passes
 * them. The largest accepted {@code ts} of each user is tracked, so late and too-late transactions
 * are late by construction, exactly as SPEC §3.3 judges them.
 */
final class TransactionStream implements Iterator<GeneratedRecord> {

  private static final int WARM_UP = Generator.WARM_UP_RECORDS;
  private static final double EDGE_SHARE = 0.01;
  private static final double DUPLICATE_SHARE = 0.005;
  private static final double TRAVEL_SHARE = 0.02;
  private static final int RECENT = 64;
  private static final long MINUTE = 60_000;
  private static final long LATENESS = 5 * MINUTE;
  private static final long RETENTION = LATENESS + 10 * MINUTE;
  private static final long NONE = Long.MIN_VALUE;
  private static final List<String> REQUIRED =
      List.of("txnId", "userId", "amount", "country", "ts");
  private static final List<String> STRINGS = List.of("txnId", "userId", "country");
  private static final List<Injected> EDGE_KINDS =
      List.of(
          VALID_UNKNOWN_FIELDS,
          VALID_DUPLICATE_KEYS,
          VALID_ESCAPES,
          VALID_WHITESPACE,
          VALID_UNICODE,
          VALID_MAX_LENGTH,
          VALID_MIN_TS,
          TXN_LOWERCASE_COUNTRY,
          TXN_NO_CURRENCY,
          TXN_AMOUNT_FORMS);

  private final Population population;
  private final Rng rng;
  private final Zipf users;
  private final Mutations mutations;
  private final List<Injected> badKinds =
      Injected.of(Generator.TRANSACTIONS).stream().filter(kind -> !kind.decodes()).toList();
  private final long count;
  private final long start;
  private final long span;
  private final double badShare;
  private final double lateShare;
  private final Deque<FraudPatterns.Scheduled> patterns;
  private final long[] maxTs;
  private final GeneratedRecord[] recent = new GeneratedRecord[RECENT];
  private final int[] recentUsers = new int[RECENT];
  private long recentCount;
  private long index;
  private long txnSeq;
  private int lastAcceptedUser = -1;
  private int edgeTurn;
  private int badTurn;
  private final StringBuilder text = new StringBuilder(256);

  TransactionStream(GeneratorSettings settings, Population population, long span) {
    this.population = population;
    this.rng = Rng.stream(settings.seed(), 4);
    this.users = new Zipf(population.users() - population.patternUsers(), 0.8);
    this.mutations = new Mutations(Rng.stream(settings.seed(), 5), REQUIRED, STRINGS, "userId");
    this.count = settings.transactions();
    this.start = settings.startTs();
    this.span = span;
    this.badShare = settings.badShare();
    this.lateShare = settings.lateShare();
    this.maxTs = new long[population.users()];
    Arrays.fill(maxTs, NONE);
    FraudPatterns.Plan plan =
        FraudPatterns.plan(population, start, span, Rng.stream(settings.seed(), 6));
    this.patterns = plan.records();
    this.txnSeq = plan.lastTxnSeq();
  }

  @Override
  public boolean hasNext() {
    return index < count;
  }

  @Override
  public GeneratedRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    long now = start + (long) ((double) index * span / count);
    boolean patternDue =
        !patterns.isEmpty()
            && (patterns.peek().emitAt() <= now || count - index <= patterns.size());
    GeneratedRecord record = patternDue ? patterns.poll().record() : draw(now);
    index++;
    return record;
  }

  private GeneratedRecord draw(long now) {
    double r = index < WARM_UP ? 1.0 : rng.nextDouble();
    int user = population.userByRank(users.next(rng));
    long ts = now - rng.between(0, 999);
    double bound = badShare;
    if (r < bound) {
      Injected kind = badKinds.get(badTurn++ % badKinds.size());
      byte[] value = mutations.make(kind, fields(user, population.home(user), ts));
      return new GeneratedRecord(
          Generator.TRANSACTIONS, population.userKey(user), value, GeneratedRecord.NO_TS, kind);
    }
    if (r < (bound += EDGE_SHARE)) {
      return edge(EDGE_KINDS.get(edgeTurn++ % EDGE_KINDS.size()), user, ts);
    }
    if (r < (bound += DUPLICATE_SHARE) && recentCount > 0) {
      int slot = rng.nextInt((int) Math.min(recentCount, RECENT));
      GeneratedRecord original = recent[slot];
      // Only a redelivery the user still retains is a duplicate; an older one would be too late.
      if (original.ts() > maxTs[recentUsers[slot]] - RETENTION) {
        return new GeneratedRecord(
            Generator.TRANSACTIONS, original.key(), original.value(), original.ts(), TXN_DUPLICATE);
      }
    }
    if (r >= bound && r < bound + lateShare && lastAcceptedUser >= 0) {
      double u = (r - bound) / lateShare;
      return late(u, maxTs[user] == NONE ? lastAcceptedUser : user);
    }
    bound += lateShare;
    if (r >= bound && r < bound + TRAVEL_SHARE) {
      return accepted(TXN_TRAVEL, user, render(user, population.travel(user), ts), ts);
    }
    return accepted(TXN_HOME, user, render(user, population.home(user), ts), ts);
  }

  /** A transaction behind the user's largest accepted ts; {@code u} in [0, 1) picks how far. */
  private GeneratedRecord late(double u, int user) {
    long max = maxTs[user];
    if (u < 0.4) {
      long ts = max - rng.between(MINUTE, 4 * MINUTE);
      return accepted(TXN_LATE_ACCEPTED, user, render(user, population.home(user), ts), ts);
    }
    if (u < 0.6) {
      long ts = max - LATENESS;
      return accepted(TXN_LATENESS_EDGE, user, render(user, population.home(user), ts), ts);
    }
    long ts = max - LATENESS - 1 - (u < 0.7 ? 0 : rng.between(0, 55 * MINUTE));
    return record(TXN_TOO_LATE, user, render(user, population.home(user), ts), ts);
  }

  private GeneratedRecord edge(Injected kind, int user, long ts) {
    int home = population.home(user);
    JsonFields f = fields(user, home, ts);
    switch (kind) {
      case VALID_ESCAPES -> {
        String country = Population.country(home);
        f.set("currency", "\"\\u20ac\"")
            .set(
                "country",
                "\"" + unicodeEscape(country.charAt(0)) + unicodeEscape(country.charAt(1)) + "\"");
        return accepted(kind, user, f, ts);
      }
      case VALID_UNICODE -> {
        f.set("currency", "\"\u20ac\"")
            .raw(
                "note",
                JsonText.quote("Caf\u00e9 \u2615 \uD83C\uDF70 Gr\u00fc\u00dfe \uD83D\uDCB3"));
        return accepted(kind, user, f, ts);
      }
      case VALID_MAX_LENGTH -> {
        StringBuilder id = new StringBuilder(1024).append(JsonText.paddedId("t-", ++txnSeq, 7));
        id.append('-');
        while (id.length() < 1024) {
          id.append('x');
        }
        return accepted(kind, user, f.set("txnId", JsonText.quote(id.toString())), ts);
      }
      case VALID_MIN_TS -> {
        int late = maxTs[user] == NONE ? lastAcceptedUser : user;
        if (late < 0) {
          return accepted(TXN_HOME, user, f, ts);
        }
        long min = GeneratorSettings.MIN_VALID_TS;
        return record(kind, late, render(late, population.home(late), min), min);
      }
      case TXN_LOWERCASE_COUNTRY -> {
        String lower = Population.country(home).toLowerCase(Locale.ROOT);
        return accepted(kind, user, f.set("country", JsonText.quote(lower)), ts);
      }
      case TXN_NO_CURRENCY -> {
        int turn = edgeTurn / EDGE_KINDS.size();
        f =
            turn % 3 == 0
                ? f.remove("currency")
                : f.set("currency", turn % 3 == 1 ? "null" : "\"\"");
        return accepted(kind, user, f, ts);
      }
      case TXN_AMOUNT_FORMS -> {
        int turn = edgeTurn / EDGE_KINDS.size();
        String amount = new String[] {"0", "12", "1.25e1", "0.5E+2", "1e-2", "100.0"}[turn % 6];
        return accepted(kind, user, f.set("amount", amount), ts);
      }
      default -> {
        byte[] value = mutations.make(kind, f);
        maxTs[user] = Math.max(maxTs[user], ts);
        lastAcceptedUser = user;
        return new GeneratedRecord(
            Generator.TRANSACTIONS, population.userKey(user), value, ts, kind);
      }
    }
  }

  private static String unicodeEscape(char c) {
    String hex = Integer.toHexString(c);
    return "\\u" + "0000".substring(hex.length()) + hex;
  }

  private long nextCents() {
    double size = rng.nextDouble();
    return size < 0.7
        ? rng.between(100, 9_999)
        : size < 0.95 ? rng.between(10_000, 99_999) : rng.between(100_000, 999_999);
  }

  /** The next transaction as editable fields, for the kinds that change it. */
  private JsonFields fields(int user, int country, long ts) {
    long cents = nextCents();
    return new JsonFields()
        .string("txnId", JsonText.paddedId("t-", ++txnSeq, 7))
        .string("userId", population.userId(user))
        .raw("amount", JsonText.amount(cents))
        .string("currency", Population.currency(country))
        .string("country", Population.country(country))
        .raw("ts", Long.toString(ts));
  }

  /** The next transaction rendered straight to bytes: the same text as {@code fields(…)}. */
  private byte[] render(int user, int country, long ts) {
    long cents = nextCents();
    StringBuilder out = text;
    out.setLength(0);
    out.append("{\"txnId\":\"");
    JsonText.appendPadded(out, "t-", ++txnSeq, 7);
    out.append("\",\"userId\":");
    JsonText.appendQuoted(out, population.userId(user));
    out.append(",\"amount\":");
    JsonText.appendAmount(out, cents);
    out.append(",\"currency\":\"").append(Population.currency(country));
    out.append("\",\"country\":\"").append(Population.country(country));
    return out.append("\",\"ts\":")
        .append(ts)
        .append('}')
        .toString()
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A record the fraud rule accepts: it moves the user's largest ts and may be redelivered. */
  private GeneratedRecord accepted(Injected kind, int user, JsonFields f, long ts) {
    return accepted(kind, user, Mutations.utf8(f.render()), ts);
  }

  private GeneratedRecord accepted(Injected kind, int user, byte[] value, long ts) {
    GeneratedRecord record = record(kind, user, value, ts);
    maxTs[user] = Math.max(maxTs[user], ts);
    lastAcceptedUser = user;
    int slot = (int) (recentCount++ % RECENT);
    recent[slot] = record;
    recentUsers[slot] = user;
    return record;
  }

  private GeneratedRecord record(Injected kind, int user, JsonFields f, long ts) {
    return record(kind, user, Mutations.utf8(f.render()), ts);
  }

  private GeneratedRecord record(Injected kind, int user, byte[] value, long ts) {
    return new GeneratedRecord(Generator.TRANSACTIONS, population.userKey(user), value, ts, kind);
  }
}
