package io.tidemark.service.generate;

/**
 * What to generate. Shares are fractions of each file's records (fraud share: of users).
 *
 * @param clicks records in the clicks file, bad and duplicate ones included
 * @param transactions records in the transactions file, bad and duplicate ones included
 * @param seed everything is a function of the seed and the other settings
 * @param users distinct users; some act out fraud patterns, all of them browse
 * @param pages distinct pages (without query string or fragment)
 * @param fraudShare share of users acting out a fraud pattern (capped so that pattern records stay
 *     under a quarter of the transactions)
 * @param lateShare share of records out of order beyond 1 s: medium disorder, late in allowed
 *     lateness and too late
 * @param badShare share of records that do not decode (malformed, missing or invalid fields)
 * @param startTs event time of the first in-order record, epoch ms
 */
public record GeneratorSettings(
    long clicks,
    long transactions,
    long seed,
    int users,
    int pages,
    double fraudShare,
    double lateShare,
    double badShare,
    long startTs) {

  /** 2024-11-22T00:00:00Z: a 5-minute boundary, so the first clicks sit on window edges. */
  public static final long DEFAULT_START_TS = 1_732_233_600_000L;

  /** Smallest valid event time (SPEC §1), 2000-01-01T00:00:00Z. */
  public static final long MIN_VALID_TS = 946_684_800_000L;

  /** First invalid event time above the range (SPEC §1), 2100-01-01T00:00:00Z. */
  public static final long MAX_VALID_TS_EXCLUSIVE = 4_102_444_800_000L;

  public GeneratorSettings {
    require(clicks >= 0 && transactions >= 0, "record counts must not be negative");
    require(users >= 1, "users must be at least 1");
    require(pages >= 1, "pages must be at least 1");
    require(share(fraudShare) && share(lateShare) && share(badShare), "shares lie in [0, 1]");
    require(lateShare + badShare <= 0.8, "late share + bad share must not exceed 0.8");
    require(
        startTs - Generator.MAX_LOOKBACK_MS >= MIN_VALID_TS
            && startTs + Generator.spanMs(clicks, transactions) < MAX_VALID_TS_EXCLUSIVE,
        "start-ts must leave every generated event time within years 2000-2099");
  }

  /** 100000 clicks, 20000 transactions, seed 42, 5000 users, 500 pages, shares 1%/2%/1%. */
  public static GeneratorSettings defaults() {
    return new GeneratorSettings(
        100_000, 20_000, 42, 5_000, 500, 0.01, 0.02, 0.01, DEFAULT_START_TS);
  }

  public GeneratorSettings withCounts(long clicks, long transactions) {
    return new GeneratorSettings(
        clicks, transactions, seed, users, pages, fraudShare, lateShare, badShare, startTs);
  }

  public GeneratorSettings withSeed(long seed) {
    return new GeneratorSettings(
        clicks, transactions, seed, users, pages, fraudShare, lateShare, badShare, startTs);
  }

  public GeneratorSettings withStartTs(long startTs) {
    return new GeneratorSettings(
        clicks, transactions, seed, users, pages, fraudShare, lateShare, badShare, startTs);
  }

  public GeneratorSettings withFraudShare(double fraudShare) {
    return new GeneratorSettings(
        clicks, transactions, seed, users, pages, fraudShare, lateShare, badShare, startTs);
  }

  public GeneratorSettings withUsers(int users) {
    return new GeneratorSettings(
        clicks, transactions, seed, users, pages, fraudShare, lateShare, badShare, startTs);
  }

  private static boolean share(double value) {
    return value >= 0 && value <= 1;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
