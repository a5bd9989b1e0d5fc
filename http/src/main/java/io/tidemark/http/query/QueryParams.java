package io.tidemark.http.query;

import io.tidemark.http.BadParameterException;
import io.tidemark.persistence.query.TimeRange;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Validation of the query API's parameters. Each method returns the parsed value or throws a {@link
 * BadParameterException} naming the parameter, which becomes a 400.
 */
final class QueryParams {

  /** Longest string parameter (page, userId), as for event fields (SPEC §1). */
  static final int MAX_STRING = 1024;

  /** First instant not accepted: 10000-01-01T00:00:00Z, within every database's time range. */
  static final long END_INSTANT = 253_402_300_800_000L;

  private static final Pattern EPOCH_MILLIS = Pattern.compile("\\d{1,18}");

  private QueryParams() {}

  /**
   * An instant as epoch milliseconds or ISO-8601 ({@code 2024-11-22T18:00:00Z}, offsets allowed),
   * not before 1970 and before the year 10000.
   */
  static long instant(String name, String value) {
    long millis;
    if (EPOCH_MILLIS.matcher(value).matches()) {
      millis = Long.parseLong(value);
    } else {
      try {
        millis = Instant.parse(value).toEpochMilli();
      } catch (DateTimeException | ArithmeticException e) {
        throw new BadParameterException(
            name, name + " must be epoch milliseconds or an ISO-8601 instant: " + value);
      }
      if (millis < 0) {
        throw new BadParameterException(name, name + " must not be before 1970");
      }
    }
    if (millis >= END_INSTANT) {
      throw new BadParameterException(name, name + " must be before the year 10000");
    }
    return millis;
  }

  /** {@code [from, to)} with from before to and at most {@code maxRange} long. */
  static TimeRange range(String from, String to, Duration maxRange) {
    long start = instant("from", from);
    long end = instant("to", to);
    if (start >= end) {
      throw new BadParameterException("to", "to must be after from");
    }
    if (end - start > maxRange.toMillis()) {
      throw new BadParameterException(
          "to", "range from..to must not exceed " + maxRange.toMillis() + " ms");
    }
    return new TimeRange(start, end);
  }

  /** An integer in {@code [min, max]}, or {@code fallback} when absent. */
  static int integer(String name, Optional<String> value, int min, int max, int fallback) {
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.get());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below like an out-of-range value
    }
    throw new BadParameterException(
        name, name + " must be an integer in " + min + ".." + max + ": " + value.get());
  }

  /** A non-empty string of at most {@link #MAX_STRING} characters, without U+0000 (SPEC §1). */
  static String text(String name, String value) {
    if (value.isEmpty() || value.length() > MAX_STRING) {
      throw new BadParameterException(
          name, name + " must be 1 to " + MAX_STRING + " characters long");
    }
    if (value.indexOf('\u0000') >= 0) {
      throw new BadParameterException(name, name + " must not contain U+0000");
    }
    return value;
  }
}
