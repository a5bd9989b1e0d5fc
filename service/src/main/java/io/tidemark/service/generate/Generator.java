package io.tidemark.service.generate;

import java.util.Iterator;

/**
 * Mock clicks and transactions for Tidemark: a deterministic function of {@link GeneratorSettings},
 * kept apart from where the records go (files now, Kafka later). Each call to {@link #clicks()} or
 * {@link #transactions()} starts the same sequence afresh, byte for byte.
 *
 * <h2>Clicks</h2>
 *
 * A clock starts at {@code startTs} and advances 1 ms per record ({@value #CLICKS_PER_SECOND}
 * clicks per second of event time). Pages follow a Zipf law (exponent 1.1; a few special pages,
 * then {@code https://shop.example/p/N}); a quarter of the URLs carry a query string or fragment.
 * User activity is Zipf-like (exponent 0.8). Per record:
 *
 * <ul>
 *   <li>{@code badShare}: a record that does not decode, cycling through every malformed, missing
 *       and invalid {@link Injected} kind;
 *   <li>1%: a valid oddity, cycling: unknown fields, duplicate keys with the last valid, escapes,
 *       whitespace, emoji-heavy URL, 1024-char URL, the smallest valid ts;
 *   <li>0.5%: a duplicate, the same bytes as one of the last 64 in-order clicks;
 *   <li>{@code lateShare}: behind the clock, 40% by 1–4.5 s (within the 5 s out-of-orderness), 30%
 *       by 10–50 s (within the 60 s allowed lateness), 15% by 130–240 s (too late for page views),
 *       15% by 400 s to 3 h (too late for everything);
 *   <li>10%: 1–500 ms behind the clock; the rest at the clock (1% of those without a key).
 * </ul>
 *
 * As the clock passes each minute boundary {@code b} it sends {@code ts = b - 1} and {@code ts = b}
 * ({@code b % 300000 == 0} every fifth minute). The first {@value #WARM_UP_RECORDS} records are on
 * time, so a watermark exists before the first late one.
 *
 * <h2>Transactions</h2>
 *
 * The records are spread evenly over {@link #transactionSpanMs()}: the clicks' span, but at least
 * 30 minutes so that the 10-minute fraud patterns fit. Users buy at home (up to 1 s behind the
 * clock), 2% in their one travel country; amounts in cents, three magnitudes. Per record: {@code
 * badShare} bad (every kind, cycling), 1% valid oddities (as for clicks, plus lower-case country,
 * no currency, amount forms), 0.5% redeliveries of a recent accepted transaction still retained by
 * the fraud rule, {@code lateShare} behind the user's largest accepted ts (40% by 1–4 min, 20% by
 * exactly 5 min: accepted; 40% by more than 5 min: too late, a quarter of them by 5 min + 1 ms).
 *
 * <p>{@code round(users * fraudShare)} users (at most one per 28 transactions, and not all users)
 * act out exactly one fraud pattern each and buy nothing else; the patterns cycle through {@link
 * Injected#FRAUD_BURST}, {@link Injected#FRAUD_THREE_COUNTRIES}, {@link
 * Injected#FRAUD_LATE_FOURTH_COUNTRY}, {@link Injected#FRAUD_EDGE_EXCLUDED} and {@link
 * Injected#FRAUD_EDGE_INCLUDED}, start at random times and are merged in as the clock passes them.
 * Bursts end with a redelivery of their first flagged transaction.
 */
public final class Generator {

  /** Logical topic of click records, also the file's base name. */
  public static final String CLICKS = "clicks";

  /** Logical topic of transaction records, also the file's base name. */
  public static final String TRANSACTIONS = "transactions";

  /** Clicks per second of event time. */
  public static final int CLICKS_PER_SECOND = 1000;

  /** Shortest event-time span of the transactions, so that fraud patterns fit. */
  public static final long MIN_TRANSACTION_SPAN_MS = 30 * 60_000L;

  /** How far before {@code startTs} a valid record (other than {@code VALID_MIN_TS}) may lie. */
  public static final long MAX_LOOKBACK_MS = 3 * 3_600_000L;

  /** Records at the start of each file that are always on time. */
  public static final int WARM_UP_RECORDS = 10;

  /** Longest event-time extent of one fraud pattern. */
  static final long PATTERN_DURATION_MS = 11 * 60_000L;

  /** Upper bound of records per fraud pattern, for the cap on pattern users. */
  private static final int MAX_PATTERN_RECORDS = 7;

  private final GeneratorSettings settings;
  private final Population population;

  public Generator(GeneratorSettings settings) {
    this.settings = settings;
    long wanted = Math.round(settings.users() * settings.fraudShare());
    long affordable = settings.transactions() / (4L * MAX_PATTERN_RECORDS);
    int patternUsers = (int) Math.min(Math.min(wanted, affordable), settings.users() - 1L);
    this.population = new Population(settings, patternUsers);
  }

  public GeneratorSettings settings() {
    return settings;
  }

  /** A fresh iterator over the click records, {@code settings().clicks()} of them. */
  public Iterator<GeneratedRecord> clicks() {
    return new ClickStream(settings, population);
  }

  /** A fresh iterator over the transaction records, {@code settings().transactions()} of them. */
  public Iterator<GeneratedRecord> transactions() {
    return new TransactionStream(settings, population, transactionSpanMs());
  }

  /** Number of users acting out a fraud pattern. */
  public int fraudPatternUsers() {
    return population.patternUsers();
  }

  /** Event-time span of the click clock. */
  public long clickSpanMs() {
    return clickSpanMs(settings.clicks());
  }

  /** Event-time span of the transaction clock. */
  public long transactionSpanMs() {
    return Math.max(clickSpanMs(), MIN_TRANSACTION_SPAN_MS);
  }

  /** Lower bound of every valid record's ts, {@link Injected#VALID_MIN_TS} aside. */
  public long earliestTs() {
    return settings.startTs() - MAX_LOOKBACK_MS;
  }

  /** Upper bound (inclusive) of every valid record's ts. */
  public long latestTs() {
    return settings.startTs() + spanMs(settings.clicks(), settings.transactions());
  }

  /** The longest span of both clocks, for settings validation. */
  static long spanMs(long clicks, long transactions) {
    long clickSpan = clickSpanMs(clicks);
    return transactions == 0 ? clickSpan : Math.max(clickSpan, MIN_TRANSACTION_SPAN_MS);
  }

  private static long clickSpanMs(long clicks) {
    return clicks * 1000 / CLICKS_PER_SECOND;
  }
}
