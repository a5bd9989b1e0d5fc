package io.tidemark.service.generate;

import io.tidemark.streams.event.Reason;
import java.util.Arrays;
import java.util.List;

/**
 * What a generated record is meant to exercise, kept beside every record in memory (never in the
 * files) so that tests and summaries can check the mix and predict the pipeline's dead letters.
 *
 * <p>{@link #decodeFailure()} is the dead-letter reason the record must get from the decoder (SPEC
 * §1), or {@code null} when it decodes. {@link #tooLate()} says it decodes but is {@code TOO_LATE}
 * downstream by construction. Kinds prefixed {@code CLICK_} or {@code TXN_}/{@code FRAUD_} occur in
 * one file only; the others ({@code VALID_*}, {@code MALFORMED_*}, {@code MISSING_*}, {@code
 * INVALID_*} without a topic word) occur in both. Variants of a kind (which field, which broken
 * spelling) rotate, so a few dozen records of a kind cover them all.
 */
public enum Injected {
  // ---- clicks: timing -------------------------------------------------------------------------
  /** A click at the generator clock (1000 clicks per second of event time). */
  CLICK_IN_ORDER(Scope.CLICKS, null, false),
  /** 1–500 ms behind the clock. */
  CLICK_SMALL_DISORDER(Scope.CLICKS, null, false),
  /** 1–4.5 s behind the clock: within the 5 s out-of-orderness, never late. */
  CLICK_MEDIUM_DISORDER(Scope.CLICKS, null, false),
  /** 10–50 s behind the clock: may update a fired window, within the 60 s allowed lateness. */
  CLICK_LATE_IN_ALLOWED(Scope.CLICKS, null, false),
  /** 130–240 s behind: too late for 1-minute page views, maybe in time for 5-minute visitors. */
  CLICK_TOO_LATE_FOR_PAGEVIEWS(Scope.CLICKS, null, true),
  /** 400 s to 3 h behind: too late for every computation. */
  CLICK_TOO_LATE_FOR_ALL(Scope.CLICKS, null, true),
  /** {@code ts % 60000 == 0} (and not a 5-minute boundary), sent as the clock passes it. */
  CLICK_MINUTE_START(Scope.CLICKS, null, false),
  /** {@code ts % 300000 == 0}, sent as the clock passes it. */
  CLICK_FIVE_MINUTE_START(Scope.CLICKS, null, false),
  /** {@code ts % 60000 == 59999}: the last millisecond of a window, sent 1 ms after it. */
  CLICK_MINUTE_LAST_MS(Scope.CLICKS, null, false),
  /** The same bytes as a recent in-order click, re-sent up to 64 records later. */
  CLICK_DUPLICATE(Scope.CLICKS, null, false),

  // ---- transactions: background traffic
  // ----------------------------------------------------------
  /** A purchase in the user's home country, up to 1 s behind the clock. */
  TXN_HOME(Scope.TRANSACTIONS, null, false),
  /** A purchase in the user's one travel country (never a third country: no alert). */
  TXN_TRAVEL(Scope.TRANSACTIONS, null, false),
  /** Home country in lower case ({@code "de"}): valid, stored upper case. */
  TXN_LOWERCASE_COUNTRY(Scope.TRANSACTIONS, null, false),
  /** Currency absent, {@code null} or empty: valid, currency is not validated. */
  TXN_NO_CURRENCY(Scope.TRANSACTIONS, null, false),
  /** Amount written as {@code 0}, an integer or with an exponent ({@code 1.25e1}). */
  TXN_AMOUNT_FORMS(Scope.TRANSACTIONS, null, false),
  /** 1–4 min behind the user's largest accepted {@code ts}: accepted. */
  TXN_LATE_ACCEPTED(Scope.TRANSACTIONS, null, false),
  /** Exactly 5 min behind the user's largest accepted {@code ts}: still accepted. */
  TXN_LATENESS_EDGE(Scope.TRANSACTIONS, null, false),
  /** More than 5 min behind the user's largest accepted {@code ts} (a quarter by exactly 1 ms). */
  TXN_TOO_LATE(Scope.TRANSACTIONS, null, true),
  /** Redelivery: the same bytes as a recent accepted transaction (same {@code txnId}). */
  TXN_DUPLICATE(Scope.TRANSACTIONS, null, false),

  // ---- transactions: fraud patterns, one per pattern user (no background traffic for them) ------
  /** 4–6 distinct countries within 10 min: an alert from the 4th distinct country on. */
  FRAUD_BURST(Scope.TRANSACTIONS, null, false),
  /** Exactly 3 countries within 10 min, one of them also in lower case: no alert. */
  FRAUD_THREE_COUNTRIES(Scope.TRANSACTIONS, null, false),
  /** A 4th country arrives out of order (earlier ts) and flags the already seen 3rd: 1 alert. */
  FRAUD_LATE_FOURTH_COUNTRY(Scope.TRANSACTIONS, null, false),
  /** The 4th country is exactly 10 min before the last transaction, outside the window: none. */
  FRAUD_EDGE_EXCLUDED(Scope.TRANSACTIONS, null, false),
  /** The 4th country is 10 min minus 1 ms before the last transaction: 1 alert. */
  FRAUD_EDGE_INCLUDED(Scope.TRANSACTIONS, null, false),

  // ---- both: valid but unusual
  // -------------------------------------------------------------------
  /** Extra fields (nested objects, arrays, a case variant of a known name): ignored. */
  VALID_UNKNOWN_FIELDS(Scope.BOTH, null, false),
  /** A required key appears twice, first with a bad value, last with a good one: valid. */
  VALID_DUPLICATE_KEYS(Scope.BOTH, null, false),
  /** Strings with escapes: slash, quote, backslash, a unicode escape and a surrogate pair. */
  VALID_ESCAPES(Scope.BOTH, null, false),
  /** Insignificant whitespace (spaces, tabs) before, between and after tokens. */
  VALID_WHITESPACE(Scope.BOTH, null, false),
  /** Emoji-heavy URL (clicks) or non-ASCII currency and extra field (transactions). */
  VALID_UNICODE(Scope.BOTH, null, false),
  /** A string of exactly 1024 UTF-16 units (URL for clicks, txnId for transactions). */
  VALID_MAX_LENGTH(Scope.BOTH, null, false),
  /** {@code ts = 946684800000}, the smallest valid value: decodes, then too late. */
  VALID_MIN_TS(Scope.BOTH, null, true),

  // ---- both: malformed JSON ------------------------------------------------------------------
  /** A valid record cut short. */
  MALFORMED_TRUNCATED(Scope.BOTH, Reason.MALFORMED_JSON, false),
  /** Something after the object: a closing brace, {@code x}, a second object, a number. */
  MALFORMED_TRAILING_GARBAGE(Scope.BOTH, Reason.MALFORMED_JSON, false),
  /** A comma before the closing brace. */
  MALFORMED_TRAILING_COMMA(Scope.BOTH, Reason.MALFORMED_JSON, false),
  /** Block, line or hash comments. */
  MALFORMED_COMMENT(Scope.BOTH, Reason.MALFORMED_JSON, false),
  /** {@code NaN}, {@code Infinity} or {@code -Infinity} as ts or amount. */
  MALFORMED_NON_NUMERIC(Scope.BOTH, Reason.MALFORMED_JSON, false),
  /** Single-quoted strings. */
  MALFORMED_SINGLE_QUOTES(Scope.BOTH, Reason.MALFORMED_JSON, false),
  /** A member name without quotes. */
  MALFORMED_UNQUOTED_KEY(Scope.BOTH, Reason.MALFORMED_JSON, false),
  /**
   * An array (also one wrapping a valid record), a number, a string, {@code null}, {@code true}.
   */
  MALFORMED_NOT_AN_OBJECT(Scope.BOTH, Reason.MALFORMED_JSON, false),
  /** An empty line or only whitespace. */
  MALFORMED_EMPTY(Scope.BOTH, Reason.MALFORMED_JSON, false),
  /** Random bytes (never a newline) starting with a byte that cannot start JSON. */
  MALFORMED_BINARY_GARBAGE(Scope.BOTH, Reason.MALFORMED_JSON, false),
  /** Otherwise valid JSON with invalid UTF-8 in a string (bad continuation, overlong, 0xFF...). */
  MALFORMED_INVALID_UTF8(Scope.BOTH, Reason.MALFORMED_JSON, false),
  /** A raw control character (tab, 0x01) inside a string. */
  MALFORMED_CONTROL_CHARACTER(Scope.BOTH, Reason.MALFORMED_JSON, false),
  /** An invalid escape: backslash-x, backslash-quote, a unicode escape with a non-hex digit. */
  MALFORMED_BAD_ESCAPE(Scope.BOTH, Reason.MALFORMED_JSON, false),
  /** A number JSON does not allow: leading zero, leading {@code +}, leading dot. */
  MALFORMED_NUMBER_SYNTAX(Scope.BOTH, Reason.MALFORMED_JSON, false),
  /** Malformed and missing a required field: malformed wins. */
  MALFORMED_AND_MISSING(Scope.BOTH, Reason.MALFORMED_JSON, false),

  // ---- both: missing required fields ---------------------------------------------------------
  /** One required field absent (rotating over the required fields). */
  MISSING_ABSENT(Scope.BOTH, Reason.MISSING_FIELD, false),
  /** One required field {@code null} (rotating). */
  MISSING_NULL(Scope.BOTH, Reason.MISSING_FIELD, false),
  /** One required field spelled in another case ({@code userid}): names are case-sensitive. */
  MISSING_WRONG_CASE(Scope.BOTH, Reason.MISSING_FIELD, false),
  /** The first required field invalid and the last one absent: missing wins. */
  MISSING_AND_INVALID(Scope.BOTH, Reason.MISSING_FIELD, false),

  // ---- both: invalid fields ------------------------------------------------------------------
  /** ts as a string of digits. */
  INVALID_TS_STRING(Scope.BOTH, Reason.INVALID_FIELD, false),
  /** ts with a fraction ({@code ….5}). */
  INVALID_TS_FRACTION(Scope.BOTH, Reason.INVALID_FIELD, false),
  /** ts below 946684800000 (1 ms below, 0, negative). */
  INVALID_TS_TOO_SMALL(Scope.BOTH, Reason.INVALID_FIELD, false),
  /** ts at or above 4102444800000, up to beyond the range of a long. */
  INVALID_TS_TOO_LARGE(Scope.BOTH, Reason.INVALID_FIELD, false),
  /** ts as boolean, object or array. */
  INVALID_TS_WRONG_TYPE(Scope.BOTH, Reason.INVALID_FIELD, false),
  /** An empty string in a required string field (rotating). */
  INVALID_EMPTY_STRING(Scope.BOTH, Reason.INVALID_FIELD, false),
  /** A 1025-UTF-16-unit string in a required string field (rotating; some are emoji). */
  INVALID_STRING_TOO_LONG(Scope.BOTH, Reason.INVALID_FIELD, false),
  /** A number, boolean, object or array where a string is required (rotating). */
  INVALID_NON_STRING(Scope.BOTH, Reason.INVALID_FIELD, false),
  /** A required key twice, first valid, last invalid: the last wins, so invalid. */
  INVALID_DUPLICATE_KEY_LAST_BAD(Scope.BOTH, Reason.INVALID_FIELD, false),
  /**
   * Country not two ASCII letters: {@code DEU}, {@code D1}, {@code D}, {@code ÄB}, {@code " D"}.
   */
  INVALID_COUNTRY(Scope.TRANSACTIONS, Reason.INVALID_FIELD, false),
  /** Negative amount. */
  INVALID_AMOUNT_NEGATIVE(Scope.TRANSACTIONS, Reason.INVALID_FIELD, false),
  /** Amount not finite as a double: {@code 1e999}, {@code -1e999}, {@code 2e308}. */
  INVALID_AMOUNT_OVERFLOW(Scope.TRANSACTIONS, Reason.INVALID_FIELD, false),
  /** Amount as a string, boolean, object or array. */
  INVALID_AMOUNT_WRONG_TYPE(Scope.TRANSACTIONS, Reason.INVALID_FIELD, false);

  /** The files a kind occurs in. */
  enum Scope {
    CLICKS,
    TRANSACTIONS,
    BOTH
  }

  private final Scope scope;
  private final Reason decodeFailure;
  private final boolean tooLate;

  Injected(Scope scope, Reason decodeFailure, boolean tooLate) {
    this.scope = scope;
    this.decodeFailure = decodeFailure;
    this.tooLate = tooLate;
  }

  /** The reason the decoder must dead-letter this record with, or {@code null} if it decodes. */
  public Reason decodeFailure() {
    return decodeFailure;
  }

  /** Whether the record decodes: every field of SPEC §1 valid. */
  public boolean decodes() {
    return decodeFailure == null;
  }

  /** Whether the record decodes but is {@code TOO_LATE} by construction. */
  public boolean tooLate() {
    return tooLate;
  }

  /** Whether this kind occurs in the given topic ({@link Generator#CLICKS} or TRANSACTIONS). */
  public boolean occursIn(String topic) {
    return switch (scope) {
      case BOTH -> true;
      case CLICKS -> Generator.CLICKS.equals(topic);
      case TRANSACTIONS -> Generator.TRANSACTIONS.equals(topic);
    };
  }

  /** Every kind of the given topic, in declaration order. */
  public static List<Injected> of(String topic) {
    return Arrays.stream(values()).filter(kind -> kind.occursIn(topic)).toList();
  }
}
