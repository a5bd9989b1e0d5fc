package io.tidemark.streams.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.tidemark.streams.event.Decoded.Invalid;
import io.tidemark.streams.event.Decoded.Valid;
import java.io.IOException;
import java.util.Locale;

/**
 * Decodes the JSON values of the input topics into {@link Click} and {@link Transaction} exactly as
 * SPEC §1 says, and encodes events back to compact JSON. This is the hot path of every pipeline:
 * one pass of UTF-8 validation, then Jackson's streaming parser over the bytes, no tree and no
 * reflection. All methods are static, stateless and thread-safe; decoding never throws for bad
 * input.
 *
 * <p>Checks, in SPEC precedence order: the whole record must be one strict RFC 8259 object in valid
 * UTF-8 ({@link Reason#MALFORMED_JSON}); then every required field must be present and not {@code
 * null}, in SPEC field order ({@link Reason#MISSING_FIELD}); then each field must be valid, in the
 * same order ({@link Reason#INVALID_FIELD}; a required string holding U+0000 is invalid, the detail
 * gives its position). Duplicate keys: the last one wins. Unknown fields are ignored once parsed.
 */
public final class EventCodec {

  /** Earliest accepted event time: 2000-01-01T00:00:00Z, epoch ms. */
  public static final long MIN_TS = 946_684_800_000L;

  /** First rejected event time: 2100-01-01T00:00:00Z, epoch ms. */
  public static final long END_TS = 4_102_444_800_000L;

  /** Longest accepted string, in UTF-16 units ({@link String#length()}). */
  public static final int MAX_STRING_LENGTH = 1024;

  /**
   * Deepest nesting accepted (in unknown fields). A bound on the parser's memory per record; far
   * beyond any real event, so deeper input is reported as {@link Reason#MALFORMED_JSON}.
   */
  public static final int MAX_NESTING_DEPTH = 100_000;

  private static final int MAX_DETAIL_LENGTH = 200;
  private static final int TS_MAX_DIGITS = 13; // END_TS has 13 digits

  private static final String[] CLICK_FIELDS = {"eventId", "userId", "url", "ts"};
  private static final String[] TRANSACTION_FIELDS = {"txnId", "userId", "amount", "country", "ts"};

  // Strict by Jackson's defaults (no comments, NaN, single quotes, trailing commas, leading zeros,
  // unquoted names...). Input is UTF-8 only (no charset sniffing, no BOM skipping). Size limits
  // are lifted: a several-MB string or a long number in an unknown field is valid JSON, and so is
  // an object whose many names collide in Jackson's (seeded) symbol table. Field names stay
  // canonicalized: besides being faster, Jackson 2.19 needs it to pick its UTF-8 byte parser when
  // charset detection is off.
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .disable(JsonFactory.Feature.CHARSET_DETECTION)
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .disable(JsonFactory.Feature.FAIL_ON_SYMBOL_HASH_OVERFLOW)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxStringLength(Integer.MAX_VALUE)
                  .maxNameLength(Integer.MAX_VALUE)
                  .maxNumberLength(Integer.MAX_VALUE)
                  .maxNestingDepth(MAX_NESTING_DEPTH)
                  .build())
          .build();

  private EventCodec() {}

  /**
   * Decodes a {@code clicks} record value (SPEC §1). Never throws for any input; a {@code null}
   * value (a Kafka tombstone) is an empty record.
   */
  public static Decoded<Click> decodeClick(byte[] value) {
    Object eventId = null;
    Object userId = null;
    Object url = null;
    Object ts = null;
    try (JsonParser p = openObject(value)) {
      for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
        JsonToken token = p.nextToken();
        switch (name) {
          case "eventId" -> eventId = readString(p, token);
          case "userId" -> userId = readString(p, token);
          case "url" -> url = readString(p, token);
          case "ts" -> ts = readTs(p, token);
          default -> p.skipChildren();
        }
      }
      expectEnd(p);
    } catch (IOException e) {
      return malformed(e);
    }
    Decoded<Click> problem = firstProblem(CLICK_FIELDS, eventId, userId, url, ts);
    if (problem != null) {
      return problem;
    }
    return new Valid<>(new Click((String) eventId, (String) userId, (String) url, (Long) ts));
  }

  /**
   * Decodes a {@code transactions} record value (SPEC §1). Never throws for any input; a {@code
   * null} value (a Kafka tombstone) is an empty record.
   */
  public static Decoded<Transaction> decodeTransaction(byte[] value) {
    Object txnId = null;
    Object userId = null;
    Object amount = null;
    String currency = null;
    Object country = null;
    Object ts = null;
    try (JsonParser p = openObject(value)) {
      for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
        JsonToken token = p.nextToken();
        switch (name) {
          case "txnId" -> txnId = readString(p, token);
          case "userId" -> userId = readString(p, token);
          case "amount" -> amount = readAmount(p, token);
          case "currency" -> currency = readOptionalString(p, token);
          case "country" -> country = readCountry(p, token);
          case "ts" -> ts = readTs(p, token);
          default -> p.skipChildren();
        }
      }
      expectEnd(p);
    } catch (IOException e) {
      return malformed(e);
    }
    Decoded<Transaction> problem =
        firstProblem(TRANSACTION_FIELDS, txnId, userId, amount, country, ts);
    if (problem != null) {
      return problem;
    }
    return new Valid<>(
        new Transaction(
            (String) txnId,
            (String) userId,
            (Double) amount,
            currency,
            (String) country,
            (Long) ts));
  }

  /** Compact JSON with the SPEC field names: {@code {"eventId","userId","url","ts"}}. */
  public static byte[] encode(Click click) {
    return new JsonWriter(128)
        .field("eventId", click.eventId())
        .field("userId", click.userId())
        .field("url", click.url())
        .field("ts", click.ts())
        .toBytes();
  }

  /**
   * Compact JSON with the SPEC field names: {@code
   * {"txnId","userId","amount","currency","country","ts"}}; {@code currency} is left out when
   * {@code null}.
   *
   * @throws IllegalArgumentException if {@code amount} is NaN or infinite (JSON cannot hold it)
   */
  public static byte[] encode(Transaction txn) {
    JsonWriter out =
        new JsonWriter(128)
            .field("txnId", txn.txnId())
            .field("userId", txn.userId())
            .field("amount", txn.amount());
    if (txn.currency() != null) {
      out.field("currency", txn.currency());
    }
    return out.field("country", txn.country()).field("ts", txn.ts()).toBytes();
  }

  // ---- reading ----

  /** What a present field can be besides its decoded value; the text follows the field name. */
  private enum Problem {
    NOT_A_STRING("not a string"),
    EMPTY("empty string"),
    TOO_LONG("longer than " + MAX_STRING_LENGTH + " chars"),
    NOT_TWO_LETTERS("must be two letters"),
    NOT_AN_INTEGER("not an integer"),
    OUT_OF_RANGE("out of range [" + MIN_TS + ", " + END_TS + ")"),
    NOT_A_NUMBER("not a number"),
    NOT_FINITE("not finite"),
    NEGATIVE("negative");

    final String text;

    Problem(String text) {
      this.text = text;
    }
  }

  /**
   * A string holding U+0000 at {@code index} (UTF-16 units): no text column of the serving layer or
   * the journal can store it, so it is invalid however the rest of the record looks.
   */
  private record NulAt(int index) {}

  /** Thrown for input that is malformed before Jackson sees it; cheap, no stack trace. */
  private static final class Malformed extends IOException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  private static JsonParser openObject(byte[] value) throws IOException {
    if (value == null) {
      throw new Malformed("empty record");
    }
    int bad = Utf8.firstInvalid(value);
    if (bad >= 0) {
      throw new Malformed("invalid UTF-8 at byte " + bad);
    }
    if (value.length >= 3
        && (value[0] & 0xFF) == 0xEF
        && (value[1] & 0xFF) == 0xBB
        && (value[2] & 0xFF) == 0xBF) {
      throw new Malformed("byte order mark before the object");
    }
    JsonParser p = JSON.createParser(value);
    JsonToken first;
    try {
      first = p.nextToken();
    } catch (IOException e) {
      p.close();
      throw e;
    }
    if (first != JsonToken.START_OBJECT) {
      p.close();
      throw new Malformed(first == null ? "empty record" : "expected a JSON object, got " + first);
    }
    return p;
  }

  private static void expectEnd(JsonParser p) throws IOException {
    JsonToken extra = p.nextToken();
    if (extra != null) {
      throw new Malformed("content after the object: " + extra);
    }
  }

  /** A required string: the String, a {@link Problem}, or null for JSON null. */
  private static Object readString(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_STRING) {
      int length = p.getTextLength(); // UTF-16 units, without building a String yet
      if (length == 0) {
        return Problem.EMPTY;
      }
      if (length > MAX_STRING_LENGTH) {
        return Problem.TOO_LONG;
      }
      String text = p.getText();
      int nul = text.indexOf('\u0000');
      return nul < 0 ? text : new NulAt(nul);
    }
    return notString(p, token);
  }

  private static Object readCountry(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_STRING) {
      if (p.getTextLength() != 2) {
        return Problem.NOT_TWO_LETTERS;
      }
      String text = p.getText();
      char a = text.charAt(0);
      char b = text.charAt(1);
      if (!asciiLetter(a) || !asciiLetter(b)) {
        return Problem.NOT_TWO_LETTERS;
      }
      return (a >= 'a' || b >= 'a') ? text.toUpperCase(Locale.ROOT) : text;
    }
    return notString(p, token);
  }

  private static Object notString(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    p.skipChildren();
    return Problem.NOT_A_STRING;
  }

  /** The optional, unvalidated currency: kept if a string, otherwise null. */
  private static String readOptionalString(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  private static Object readTs(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT) {
      // JSON integers have no leading zeros, so a longer token is out of range; checking the
      // length first also keeps huge integers away from BigInteger and overflow errors.
      if (p.getTextLength() > TS_MAX_DIGITS) {
        return Problem.OUT_OF_RANGE;
      }
      long ts = p.getLongValue();
      return ts >= MIN_TS && ts < END_TS ? (Object) ts : Problem.OUT_OF_RANGE;
    }
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    p.skipChildren();
    return Problem.NOT_AN_INTEGER;
  }

  private static Object readAmount(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      double amount = p.getDoubleValue();
      if (!Double.isFinite(amount)) {
        return Problem.NOT_FINITE;
      }
      return amount < 0 ? Problem.NEGATIVE : (Object) (amount + 0.0); // + 0.0 turns -0.0 into 0.0
    }
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    p.skipChildren();
    return Problem.NOT_A_NUMBER;
  }

  private static boolean asciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  // ---- judging ----

  /** MISSING_FIELD for the first absent field, else INVALID_FIELD for the first bad one. */
  private static <T> Decoded<T> firstProblem(String[] names, Object... values) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        return new Invalid<>(Reason.MISSING_FIELD, names[i]);
      }
    }
    for (int i = 0; i < values.length; i++) {
      if (values[i] instanceof Problem problem) {
        return new Invalid<>(Reason.INVALID_FIELD, names[i] + ": " + problem.text);
      }
      if (values[i] instanceof NulAt nul) {
        return new Invalid<>(
            Reason.INVALID_FIELD, names[i] + ": contains U+0000 at char " + nul.index());
      }
    }
    return null;
  }

  private static <T> Decoded<T> malformed(IOException e) {
    String message = e.getMessage();
    String where = "";
    if (e instanceof JsonProcessingException json) {
      message = json.getOriginalMessage();
      JsonLocation location = json.getLocation();
      if (location != null && location.getByteOffset() >= 0) {
        where = " at byte " + location.getByteOffset();
      }
    }
    if (message == null) {
      message = e.getClass().getSimpleName();
    }
    int room = MAX_DETAIL_LENGTH - where.length();
    if (message.length() > room) {
      message = message.substring(0, room - 3) + "...";
    }
    return new Invalid<>(Reason.MALFORMED_JSON, message + where);
  }
}
