package io.tidemark.streams.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.streams.event.Decoded.Invalid;
import io.tidemark.streams.event.Decoded.Valid;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

  static final String URL = "https://shop.example/p/7?ref=mail";
  static final String TS = "1732300000123";
  static final String EMOJI = "\uD83D\uDE00"; // one code point, two UTF-16 units

  /** One row of the decoding tables: input and expected outcome. */
  record Case(String name, byte[] input, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  // ---- input builders ----

  static String q(String s) {
    return '"' + s + '"';
  }

  /** A JSON object from name / raw-JSON-value pairs; a null value leaves the field out. */
  static String obj(String... pairs) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] == null) {
        continue;
      }
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(q(pairs[i])).append(':').append(pairs[i + 1]);
    }
    return sb.append('}').toString();
  }

  static String click(String eventId, String userId, String url, String ts) {
    return obj("eventId", eventId, "userId", userId, "url", url, "ts", ts);
  }

  static String validClick() {
    return click(q("c-000123"), q("u-42"), q(URL), TS);
  }

  static String txn(
      String txnId, String userId, String amount, String currency, String country, String ts) {
    return obj(
        "txnId",
        txnId,
        "userId",
        userId,
        "amount",
        amount,
        "currency",
        currency,
        "country",
        country,
        "ts",
        ts);
  }

  static String validTxn() {
    return txn(q("t-000981"), q("u-42"), "12.50", q("EUR"), q("DE"), TS);
  }

  /** Concatenates UTF-8 strings and raw bytes (given as ints). */
  static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Case c(String name, String input, String expected) {
    return new Case(name, utf8(input), expected);
  }

  static Case c(String name, byte[] input, String expected) {
    return new Case(name, input, expected);
  }

  /** "valid", "MALFORMED_JSON" (detail checked separately) or "REASON detail". */
  static String outcome(Decoded<?> decoded) {
    if (decoded instanceof Invalid<?> invalid) {
      return invalid.reason() == Reason.MALFORMED_JSON
          ? "MALFORMED_JSON"
          : invalid.reason() + " " + invalid.detail();
    }
    return "valid";
  }

  // ---- clicks ----

  static Stream<Case> clickCases() {
    String inRange = "ts: out of range [946684800000, 4102444800000)";
    List<Case> cases = new ArrayList<>();
    // valid shapes
    cases.add(c("spec example", validClick(), "valid"));
    cases.add(c("ts lowest valid", click(q("c"), q("u"), q(URL), "946684800000"), "valid"));
    cases.add(c("ts highest valid", click(q("c"), q("u"), q(URL), "4102444799999"), "valid"));
    cases.add(c("url of 1024 chars", click(q("c"), q("u"), q("a".repeat(1024)), TS), "valid"));
    cases.add(
        c(
            "1022 chars and an emoji",
            click(q("c"), q("u"), q("a".repeat(1022) + EMOJI), TS),
            "valid"));
    cases.add(c("one-char strings", click(q("c"), q("u"), q("/"), TS), "valid"));
    cases.add(
        c(
            "fields in another order",
            obj("ts", TS, "url", q(URL), "userId", q("u"), "eventId", q("c")),
            "valid"));
    cases.add(
        c(
            "duplicate ts, last valid wins",
            "{\"ts\":\"x\",\"eventId\":\"c\",\"userId\":\"u\",\"url\":\"/\",\"ts\":" + TS + "}",
            "valid"));
    cases.add(
        c(
            "nested unknown fields",
            "{\"meta\":{\"a\":[1,{\"b\":null},[],{}],\"c\":\"d\",\"e\":-1.5e-3},\"flags\":[true,false,null],"
                + validClick().substring(1),
            "valid"));
    cases.add(c("surrounding whitespace", " \t\r\n" + validClick() + " \n\t\r ", "valid"));
    cases.add(
        c("escaped field name", validClick().replace("\"userId\"", "\"user\\u0049d\""), "valid"));
    cases.add(
        c(
            "2 MB string in an unknown field",
            "{\"blob\":\"" + "x".repeat(2 << 20) + "\"," + validClick().substring(1),
            "valid"));
    cases.add(
        c(
            "2 MB unknown field name",
            "{\"" + "n".repeat(2 << 20) + "\":1," + validClick().substring(1),
            "valid"));
    cases.add(
        c(
            "5000-digit number in an unknown field",
            "{\"big\":" + "9".repeat(5000) + "," + validClick().substring(1),
            "valid"));
    cases.add(
        c(
            "deep nesting in an unknown field",
            "{\"deep\":" + "[".repeat(5000) + "]".repeat(5000) + "," + validClick().substring(1),
            "valid"));
    cases.add(
        c(
            "unknown fields with every JSON type",
            "{\"s\":\"\",\"n\":0,\"f\":-0.0e+1,\"t\":true,\"z\":null," + validClick().substring(1),
            "valid"));
    cases.add(
        c("non-ASCII url", click(q("c"), q("u"), q("https://例え.jp/ü/" + EMOJI), TS), "valid"));
    cases.add(
        c(
            "DEL and escaped controls in strings",
            click(q("c\u007f"), q("u\\n\\t\\u0001\\u001f"), q("/"), TS),
            "valid"));

    // MALFORMED_JSON: not a single strict object in UTF-8
    cases.add(c("empty record", "", "MALFORMED_JSON"));
    cases.add(c("whitespace only", " \n\t ", "MALFORMED_JSON"));
    cases.add(c("JSON null", "null", "MALFORMED_JSON"));
    cases.add(c("array", "[" + validClick() + "]", "MALFORMED_JSON"));
    cases.add(c("string", q("x"), "MALFORMED_JSON"));
    cases.add(c("number", "42", "MALFORMED_JSON"));
    cases.add(c("boolean", "true", "MALFORMED_JSON"));
    cases.add(c("trailing garbage", validClick() + " x", "MALFORMED_JSON"));
    cases.add(c("two objects", validClick() + validClick(), "MALFORMED_JSON"));
    cases.add(c("two objects with a newline", validClick() + "\n{}", "MALFORMED_JSON"));
    cases.add(c("trailing comma after the object", validClick() + ",", "MALFORMED_JSON"));
    cases.add(c("trailing bracket", validClick() + "]", "MALFORMED_JSON"));
    cases.add(c("trailing NUL", bytes(validClick(), 0), "MALFORMED_JSON"));
    cases.add(
        c(
            "truncated object",
            validClick().substring(0, validClick().length() - 1),
            "MALFORMED_JSON"));
    cases.add(c("truncated string", "{\"eventId\":\"c-1", "MALFORMED_JSON"));
    cases.add(c("block comment", "/*c*/" + validClick(), "MALFORMED_JSON"));
    cases.add(c("line comment", validClick() + "//c", "MALFORMED_JSON"));
    cases.add(c("hash comment", "#c\n" + validClick(), "MALFORMED_JSON"));
    cases.add(
        c("comment inside", validClick().replace(",\"ts\"", ",/*x*/\"ts\""), "MALFORMED_JSON"));
    cases.add(c("NaN", "{\"x\":NaN," + validClick().substring(1), "MALFORMED_JSON"));
    cases.add(c("Infinity", "{\"x\":Infinity," + validClick().substring(1), "MALFORMED_JSON"));
    cases.add(c("-Infinity as ts", click(q("c"), q("u"), q("/"), "-Infinity"), "MALFORMED_JSON"));
    cases.add(c("single-quoted value", click("'c'", q("u"), q("/"), TS), "MALFORMED_JSON"));
    cases.add(c("single-quoted name", validClick().replace("\"url\"", "'url'"), "MALFORMED_JSON"));
    cases.add(c("unquoted name", validClick().replace("\"url\"", "url"), "MALFORMED_JSON"));
    cases.add(c("trailing comma in object", validClick().replace("}", ",}"), "MALFORMED_JSON"));
    cases.add(
        c("trailing comma in array", "{\"a\":[1,]," + validClick().substring(1), "MALFORMED_JSON"));
    cases.add(c("missing value", "{\"a\":," + validClick().substring(1), "MALFORMED_JSON"));
    cases.add(c("double comma", validClick().replace(",", ",,"), "MALFORMED_JSON"));
    cases.add(c("leading zero", click(q("c"), q("u"), q("/"), "0" + TS), "MALFORMED_JSON"));
    cases.add(c("leading plus", click(q("c"), q("u"), q("/"), "+" + TS), "MALFORMED_JSON"));
    cases.add(
        c("leading decimal point", "{\"a\":.5," + validClick().substring(1), "MALFORMED_JSON"));
    cases.add(
        c("trailing decimal point", "{\"a\":5.," + validClick().substring(1), "MALFORMED_JSON"));
    cases.add(c("hex number", "{\"a\":0x1F," + validClick().substring(1), "MALFORMED_JSON"));
    cases.add(c("bare word", "{\"a\":yes," + validClick().substring(1), "MALFORMED_JSON"));
    cases.add(
        c("capitalised literal", "{\"a\":True," + validClick().substring(1), "MALFORMED_JSON"));
    cases.add(
        c("raw control char in string", click(q("c\u0001"), q("u"), q("/"), TS), "MALFORMED_JSON"));
    cases.add(c("raw tab in string", click(q("c\t"), q("u"), q("/"), TS), "MALFORMED_JSON"));
    cases.add(c("raw newline in string", click(q("c\n"), q("u"), q("/"), TS), "MALFORMED_JSON"));
    cases.add(c("invalid escape", click(q("c\\x41"), q("u"), q("/"), TS), "MALFORMED_JSON"));
    cases.add(c("short unicode escape", click(q("c\\u12"), q("u"), q("/"), TS), "MALFORMED_JSON"));
    cases.add(c("escaped single quote", click(q("c\\'"), q("u"), q("/"), TS), "MALFORMED_JSON"));
    cases.add(c("byte order mark", bytes(0xEF, 0xBB, 0xBF, validClick()), "MALFORMED_JSON"));
    cases.add(
        c("UTF-16 encoding", validClick().getBytes(StandardCharsets.UTF_16LE), "MALFORMED_JSON"));
    cases.add(
        c("UTF-16 with BOM", validClick().getBytes(StandardCharsets.UTF_16), "MALFORMED_JSON"));
    cases.add(
        c(
            "too deep",
            "{\"deep\":"
                + "[".repeat(EventCodec.MAX_NESTING_DEPTH + 1)
                + "]".repeat(EventCodec.MAX_NESTING_DEPTH + 1)
                + ","
                + validClick().substring(1),
            "MALFORMED_JSON"));
    // invalid UTF-8, in an unknown field's value so only the encoding is wrong
    int[][] badUtf8 = {
      {0x80}, // lone continuation byte
      {0xBF},
      {0xC0, 0xAF}, // overlong '/'
      {0xC1, 0xBF}, // overlong
      {0xE0, 0x80, 0xAF}, // overlong three bytes
      {0xE0, 0x9F, 0xBF}, // overlong three bytes, highest
      {0xF0, 0x80, 0x80, 0xAF}, // overlong four bytes
      {0xF0, 0x8F, 0xBF, 0xBF}, // overlong four bytes, highest
      {0xED, 0xA0, 0x80}, // encoded high surrogate U+D800
      {0xED, 0xBF, 0xBF}, // encoded low surrogate U+DFFF
      {0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80}, // CESU-8 surrogate pair
      {0xF4, 0x90, 0x80, 0x80}, // U+110000
      {0xF5, 0x80, 0x80, 0x80},
      {0xF8, 0x88, 0x80, 0x80, 0x80}, // five-byte form
      {0xFE},
      {0xFF},
      {0xC3}, // truncated two bytes, then the closing quote
      {0xE2, 0x82}, // truncated three bytes
      {0xF0, 0x9F, 0x98}, // truncated four bytes
      {0xC3, 0x28}, // lead followed by ASCII
      {0xE2, 0x28, 0xA1},
      {0xF0, 0x28, 0x8C, 0xBC},
    };
    for (int[] seq : badUtf8) {
      Object[] parts = new Object[seq.length + 2];
      parts[0] = "{\"note\":\"ab";
      for (int i = 0; i < seq.length; i++) {
        parts[i + 1] = seq[i];
      }
      parts[seq.length + 1] = "cd\"," + validClick().substring(1);
      cases.add(c("invalid UTF-8 " + hex(seq), bytes(parts), "MALFORMED_JSON"));
    }
    cases.add(
        c(
            "invalid UTF-8 in a required field",
            bytes(
                "{\"eventId\":\"c",
                0xC0,
                0x80,
                "\"",
                validClick().substring(validClick().indexOf(","))),
            "MALFORMED_JSON"));
    cases.add(
        c(
            "invalid UTF-8 in a field name",
            bytes("{\"n", 0xED, 0xA0, 0x80, "\":1,", validClick().substring(1)),
            "MALFORMED_JSON"));
    cases.add(c("invalid UTF-8 after the object", bytes(validClick(), 0xFF), "MALFORMED_JSON"));
    cases.add(
        c(
            "truncated UTF-8 at the very end",
            bytes(validClick(), " ", 0xE2, 0x82),
            "MALFORMED_JSON"));
    cases.add(c("malformed beats missing", "{\"eventId\":\"c\"", "MALFORMED_JSON"));
    cases.add(
        c(
            "malformed beats invalid",
            "{\"eventId\":\"\",\"userId\":1,\"url\":[],\"ts\":\"x\",}",
            "MALFORMED_JSON"));
    cases.add(c("malformed after valid fields", validClick() + "}", "MALFORMED_JSON"));

    // MISSING_FIELD: absent or null, in SPEC order
    cases.add(c("eventId absent", click(null, q("u"), q("/"), TS), "MISSING_FIELD eventId"));
    cases.add(c("userId absent", click(q("c"), null, q("/"), TS), "MISSING_FIELD userId"));
    cases.add(c("url absent", click(q("c"), q("u"), null, TS), "MISSING_FIELD url"));
    cases.add(c("ts absent", click(q("c"), q("u"), q("/"), null), "MISSING_FIELD ts"));
    cases.add(c("eventId null", click("null", q("u"), q("/"), TS), "MISSING_FIELD eventId"));
    cases.add(c("userId null", click(q("c"), "null", q("/"), TS), "MISSING_FIELD userId"));
    cases.add(c("url null", click(q("c"), q("u"), "null", TS), "MISSING_FIELD url"));
    cases.add(c("ts null", click(q("c"), q("u"), q("/"), "null"), "MISSING_FIELD ts"));
    cases.add(c("empty object", "{}", "MISSING_FIELD eventId"));
    cases.add(c("only unknown fields", "{\"a\":{\"eventId\":\"c\"}}", "MISSING_FIELD eventId"));
    cases.add(
        c(
            "names are case-sensitive",
            validClick().replace("\"userId\"", "\"userid\""),
            "MISSING_FIELD userId"));
    cases.add(
        c(
            "first missing field in SPEC order",
            click(q("c"), null, null, null),
            "MISSING_FIELD userId"));
    cases.add(
        c(
            "missing beats an earlier invalid field",
            click(q(""), q("u"), q("/"), null),
            "MISSING_FIELD ts"));
    cases.add(
        c("missing beats invalid types", click("1", "true", null, q("x")), "MISSING_FIELD url"));
    cases.add(
        c(
            "duplicate key, last null wins",
            validClick().replace("}", ",\"userId\":null}"),
            "MISSING_FIELD userId"));

    // INVALID_FIELD: each field, each kind of mismatch
    for (String field : new String[] {"eventId", "userId", "url"}) {
      String[] values = {q("c"), q("u"), q("/")};
      int at = field.equals("eventId") ? 0 : field.equals("userId") ? 1 : 2;
      String[][] bad = {
        {"1", field + ": not a string"},
        {"1.5", field + ": not a string"},
        {"true", field + ": not a string"},
        {"false", field + ": not a string"},
        {"{}", field + ": not a string"},
        {"{\"a\":\"b\"}", field + ": not a string"},
        {"[]", field + ": not a string"},
        {"[\"c\"]", field + ": not a string"},
        {q(""), field + ": empty string"},
        {q("a".repeat(1025)), field + ": longer than 1024 chars"},
        {q("a".repeat(1023) + EMOJI), field + ": longer than 1024 chars"},
        {q("a".repeat(3 << 20)), field + ": longer than 1024 chars"},
        {q("\\u0000"), field + ": contains U+0000 at char 0"},
        {q("ab\\u0000cd"), field + ": contains U+0000 at char 2"},
        {q("a".repeat(1023) + "\\u0000"), field + ": contains U+0000 at char 1023"},
        {q(EMOJI + "\\u0000"), field + ": contains U+0000 at char 2"},
      };
      for (String[] b : bad) {
        String[] v = values.clone();
        v[at] = b[0];
        String name = field + " = " + (b[0].length() > 20 ? b[0].substring(0, 12) + "..." : b[0]);
        cases.add(c(name, click(v[0], v[1], v[2], TS), "INVALID_FIELD " + b[1]));
      }
    }
    String[][] badTs = {
      {q("x"), "ts: not an integer"},
      {q(TS), "ts: not an integer"},
      {"1.7e12", "ts: not an integer"},
      {"1732300000123.0", "ts: not an integer"},
      {"1732300000123e0", "ts: not an integer"},
      {"17323000001.23e2", "ts: not an integer"},
      {"true", "ts: not an integer"},
      {"{}", "ts: not an integer"},
      {"{\"ms\":" + TS + "}", "ts: not an integer"},
      {"[" + TS + "]", "ts: not an integer"},
      {"946684799999", inRange},
      {"4102444800000", inRange},
      {"0", inRange},
      {"-0", inRange},
      {"-1", inRange},
      {"-" + TS, inRange},
      {"99999999999999", inRange},
      {"9223372036854775807", inRange},
      {"9223372036854775808", inRange},
      {"-9223372036854775809", inRange},
      {"123456789012345678901234567890", inRange},
      {"9".repeat(5000), inRange},
    };
    for (String[] b : badTs) {
      String name = "ts = " + (b[0].length() > 30 ? b[0].substring(0, 12) + "..." : b[0]);
      cases.add(c(name, click(q("c"), q("u"), q("/"), b[0]), "INVALID_FIELD " + b[1]));
    }
    cases.add(
        c(
            "first invalid field in SPEC order",
            click(q(""), "1", q("/"), q("x")),
            "INVALID_FIELD eventId: empty string"));
    cases.add(
        c("url before ts", click(q("c"), q("u"), "[]", "1.5"), "INVALID_FIELD url: not a string"));
    cases.add(
        c(
            "duplicate key, last invalid wins",
            validClick().replace("}", ",\"ts\":\"x\"}"),
            "INVALID_FIELD ts: not an integer"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clickCases")
  void decodesClicksPerSpec(Case c) {
    Decoded<Click> decoded = EventCodec.decodeClick(c.input());
    assertEquals(c.expected(), outcome(decoded));
    assertDetailBounded(decoded);
  }

  @Test
  void validClickCarriesEveryField() {
    Decoded<Click> decoded = EventCodec.decodeClick(utf8(validClick()));
    assertEquals(new Valid<>(new Click("c-000123", "u-42", URL, 1732300000123L)), decoded);
  }

  @Test
  void escapesAreDecodedBeforeLengthChecks() {
    // 1024 escaped chars are 6144 bytes of JSON but 1024 UTF-16 units
    String url = "\\u0041".repeat(1024);
    Decoded<Click> decoded = EventCodec.decodeClick(utf8(click(q("c"), q("u"), q(url), TS)));
    assertEquals("A".repeat(1024), ((Valid<Click>) decoded).value().url());
  }

  @Test
  void lastDuplicateValueIsKept() {
    String json = validClick().replace("}", ",\"userId\":\"u-7\",\"currency\":1}");
    Valid<Click> decoded = (Valid<Click>) EventCodec.decodeClick(utf8(json));
    assertEquals("u-7", decoded.value().userId());
  }

  // ---- transactions ----

  static Stream<Case> transactionCases() {
    List<Case> cases = new ArrayList<>();
    String t = q("t"), u = q("u"), de = q("DE");
    cases.add(c("spec example", validTxn(), "valid"));
    cases.add(c("integer amount", txn(t, u, "12", null, de, TS), "valid"));
    cases.add(c("zero amount", txn(t, u, "0", null, de, TS), "valid"));
    cases.add(c("negative zero amount", txn(t, u, "-0.0", null, de, TS), "valid"));
    cases.add(c("exponent amount", txn(t, u, "1.5E3", null, de, TS), "valid"));
    cases.add(c("tiny amount", txn(t, u, "1e-400", null, de, TS), "valid"));
    cases.add(
        c("largest double amount", txn(t, u, "1.7976931348623157e308", null, de, TS), "valid"));
    cases.add(c("currency absent", txn(t, u, "1", null, de, TS), "valid"));
    cases.add(c("currency null", txn(t, u, "1", "null", de, TS), "valid"));
    cases.add(c("currency a number", txn(t, u, "1", "978", de, TS), "valid"));
    cases.add(c("currency an object", txn(t, u, "1", "{\"code\":\"EUR\"}", de, TS), "valid"));
    cases.add(c("currency empty", txn(t, u, "1", q(""), de, TS), "valid"));
    cases.add(c("currency long", txn(t, u, "1", q("E".repeat(5000)), de, TS), "valid"));
    cases.add(c("lower-case country", txn(t, u, "1", null, q("de"), TS), "valid"));
    cases.add(c("mixed-case country", txn(t, u, "1", null, q("dE"), TS), "valid"));
    cases.add(c("country not in ISO list", txn(t, u, "1", null, q("ZZ"), TS), "valid"));

    cases.add(c("malformed", validTxn().replace("12.50", "12.50.1"), "MALFORMED_JSON"));
    cases.add(c("NaN amount", txn(t, u, "NaN", null, de, TS), "MALFORMED_JSON"));
    cases.add(c("Infinity amount", txn(t, u, "Infinity", null, de, TS), "MALFORMED_JSON"));
    cases.add(c("leading-zero amount", txn(t, u, "012.5", null, de, TS), "MALFORMED_JSON"));
    cases.add(c("array of transactions", "[" + validTxn() + "]", "MALFORMED_JSON"));

    cases.add(c("txnId absent", txn(null, u, "1", null, de, TS), "MISSING_FIELD txnId"));
    cases.add(c("userId absent", txn(t, null, "1", null, de, TS), "MISSING_FIELD userId"));
    cases.add(c("amount absent", txn(t, u, null, null, de, TS), "MISSING_FIELD amount"));
    cases.add(c("country absent", txn(t, u, "1", null, null, TS), "MISSING_FIELD country"));
    cases.add(c("ts absent", txn(t, u, "1", null, de, null), "MISSING_FIELD ts"));
    cases.add(c("txnId null", txn("null", u, "1", null, de, TS), "MISSING_FIELD txnId"));
    cases.add(c("userId null", txn(t, "null", "1", null, de, TS), "MISSING_FIELD userId"));
    cases.add(c("amount null", txn(t, u, "null", null, de, TS), "MISSING_FIELD amount"));
    cases.add(c("country null", txn(t, u, "1", null, "null", TS), "MISSING_FIELD country"));
    cases.add(c("ts null", txn(t, u, "1", null, de, "null"), "MISSING_FIELD ts"));
    cases.add(
        c(
            "amount missing before country",
            txn(t, u, null, null, null, TS),
            "MISSING_FIELD amount"));
    cases.add(
        c("country missing before ts", txn(t, u, "1", null, null, null), "MISSING_FIELD country"));
    cases.add(
        c(
            "missing beats invalid amount",
            txn(t, u, q("1"), null, null, TS),
            "MISSING_FIELD country"));
    cases.add(c("eventId is not txnId", click(q("c"), u, q("/"), TS), "MISSING_FIELD txnId"));
    cases.add(
        c(
            "currency is optional but others are not",
            "{\"currency\":\"EUR\"}",
            "MISSING_FIELD txnId"));

    cases.add(
        c("txnId a number", txn("7", u, "1", null, de, TS), "INVALID_FIELD txnId: not a string"));
    cases.add(
        c("txnId empty", txn(q(""), u, "1", null, de, TS), "INVALID_FIELD txnId: empty string"));
    cases.add(
        c(
            "txnId too long",
            txn(q("t".repeat(1025)), u, "1", null, de, TS),
            "INVALID_FIELD txnId: longer than 1024 chars"));
    cases.add(
        c(
            "txnId with U+0000",
            txn(q("t-\\u0000"), u, "1", null, de, TS),
            "INVALID_FIELD txnId: contains U+0000 at char 2"));
    cases.add(
        c(
            "userId with U+0000",
            txn(t, q("\\u0000u"), "1", null, de, TS),
            "INVALID_FIELD userId: contains U+0000 at char 0"));
    cases.add(
        c(
            "U+0000 in txnId before a bad amount",
            txn(q("\\u0000"), u, "-1", null, de, TS),
            "INVALID_FIELD txnId: contains U+0000 at char 0"));
    cases.add(
        c(
            "userId an array",
            txn(t, "[]", "1", null, de, TS),
            "INVALID_FIELD userId: not a string"));
    cases.add(
        c(
            "amount a string",
            txn(t, u, q("12.50"), null, de, TS),
            "INVALID_FIELD amount: not a number"));
    cases.add(
        c(
            "amount a boolean",
            txn(t, u, "true", null, de, TS),
            "INVALID_FIELD amount: not a number"));
    cases.add(
        c(
            "amount an object",
            txn(t, u, "{\"v\":1}", null, de, TS),
            "INVALID_FIELD amount: not a number"));
    cases.add(
        c("amount 1e999", txn(t, u, "1e999", null, de, TS), "INVALID_FIELD amount: not finite"));
    cases.add(
        c("amount -1e999", txn(t, u, "-1e999", null, de, TS), "INVALID_FIELD amount: not finite"));
    cases.add(
        c(
            "amount 400-digit integer",
            txn(t, u, "9".repeat(400), null, de, TS),
            "INVALID_FIELD amount: not finite"));
    cases.add(
        c("amount negative", txn(t, u, "-0.01", null, de, TS), "INVALID_FIELD amount: negative"));
    cases.add(
        c(
            "amount negative integer",
            txn(t, u, "-5", null, de, TS),
            "INVALID_FIELD amount: negative"));
    cases.add(
        c(
            "country one letter",
            txn(t, u, "1", null, q("D"), TS),
            "INVALID_FIELD country: must be two letters"));
    cases.add(
        c(
            "country three letters",
            txn(t, u, "1", null, q("DEU"), TS),
            "INVALID_FIELD country: must be two letters"));
    cases.add(
        c(
            "country empty",
            txn(t, u, "1", null, q(""), TS),
            "INVALID_FIELD country: must be two letters"));
    cases.add(
        c(
            "country digits",
            txn(t, u, "1", null, q("12"), TS),
            "INVALID_FIELD country: must be two letters"));
    cases.add(
        c(
            "country letter and digit",
            txn(t, u, "1", null, q("D1"), TS),
            "INVALID_FIELD country: must be two letters"));
    cases.add(
        c(
            "country non-ASCII letters",
            txn(t, u, "1", null, q("ÄÖ"), TS),
            "INVALID_FIELD country: must be two letters"));
    cases.add(
        c(
            "country fullwidth letters",
            txn(t, u, "1", null, q("\uFF24\uFF25"), TS),
            "INVALID_FIELD country: must be two letters"));
    cases.add(
        c(
            "country with space",
            txn(t, u, "1", null, q("D "), TS),
            "INVALID_FIELD country: must be two letters"));
    cases.add(
        c(
            "country brackets",
            txn(t, u, "1", null, q("[]"), TS),
            "INVALID_FIELD country: must be two letters"));
    cases.add(
        c(
            "country a number",
            txn(t, u, "1", null, "49", TS),
            "INVALID_FIELD country: not a string"));
    cases.add(
        c("ts a fraction", txn(t, u, "1", null, de, "1.7e12"), "INVALID_FIELD ts: not an integer"));
    cases.add(
        c(
            "ts before 2000",
            txn(t, u, "1", null, de, "946684799999"),
            "INVALID_FIELD ts: out of range [946684800000, 4102444800000)"));
    cases.add(
        c(
            "amount before country",
            txn(t, u, "-1", null, q("x"), TS),
            "INVALID_FIELD amount: negative"));
    cases.add(
        c(
            "country before ts",
            txn(t, u, "1", null, q("x"), q("x")),
            "INVALID_FIELD country: must be two letters"));
    cases.add(
        c(
            "userId before amount",
            txn(t, "1", "-1", null, de, TS),
            "INVALID_FIELD userId: not a string"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transactionCases")
  void decodesTransactionsPerSpec(Case c) {
    Decoded<Transaction> decoded = EventCodec.decodeTransaction(c.input());
    assertEquals(c.expected(), outcome(decoded));
    assertDetailBounded(decoded);
  }

  @Test
  void validTransactionCarriesEveryField() {
    Decoded<Transaction> decoded = EventCodec.decodeTransaction(utf8(validTxn()));
    assertEquals(
        new Valid<>(new Transaction("t-000981", "u-42", 12.5, "EUR", "DE", 1732300000123L)),
        decoded);
  }

  @Test
  void countryIsStoredUpperCase() {
    Valid<Transaction> decoded =
        (Valid<Transaction>)
            EventCodec.decodeTransaction(utf8(txn(q("t"), q("u"), "1", null, q("dE"), TS)));
    assertEquals("DE", decoded.value().country());
  }

  @Test
  void currencyIsKeptOnlyWhenAString() {
    assertEquals("eur", txnWithCurrency(q("eur")).currency());
    assertNull(txnWithCurrency("978").currency());
    assertNull(txnWithCurrency("null").currency());
    assertNull(txnWithCurrency(null).currency());
    assertNull(txnWithCurrency(q("EUR") + ",\"currency\":[1]").currency());
  }

  private static Transaction txnWithCurrency(String currency) {
    Decoded<Transaction> decoded =
        EventCodec.decodeTransaction(utf8(txn(q("t"), q("u"), "1", currency, q("DE"), TS)));
    return ((Valid<Transaction>) decoded).value();
  }

  @Test
  void negativeZeroAmountBecomesZero() {
    Valid<Transaction> decoded =
        (Valid<Transaction>)
            EventCodec.decodeTransaction(utf8(txn(q("t"), q("u"), "-0", null, q("DE"), TS)));
    assertEquals(0, Double.compare(0.0, decoded.value().amount()));
  }

  @Test
  void integerAndFractionalAmountsDecodeAsDoubles() {
    assertEquals(12.0, txnWithAmount("12").amount());
    assertEquals(0.1, txnWithAmount("0.1").amount());
    assertEquals(1500.0, txnWithAmount("1.5e3").amount());
    assertEquals(9.007199254740993E15, txnWithAmount("9007199254740993").amount());
  }

  private static Transaction txnWithAmount(String amount) {
    Decoded<Transaction> decoded =
        EventCodec.decodeTransaction(utf8(txn(q("t"), q("u"), amount, null, q("DE"), TS)));
    return ((Valid<Transaction>) decoded).value();
  }

  // ---- malformed details ----

  @Test
  void malformedDetailIsShortParserMessage() {
    Invalid<Click> garbage =
        (Invalid<Click>) EventCodec.decodeClick(utf8("{\"a\":" + "x".repeat(10_000) + "}"));
    assertEquals(Reason.MALFORMED_JSON, garbage.reason());
    assertTrue(garbage.detail().length() <= 200, garbage.detail());
    assertFalse(garbage.detail().contains("\tat "), "no stack trace");

    Invalid<Click> badUtf8 =
        (Invalid<Click>) EventCodec.decodeClick(bytes("{\"a\":\"", 0xFF, "\"}"));
    assertEquals("invalid UTF-8 at byte 6", badUtf8.detail());
    Invalid<Click> empty = (Invalid<Click>) EventCodec.decodeClick(new byte[0]);
    assertEquals("empty record", empty.detail());
    Invalid<Click> array = (Invalid<Click>) EventCodec.decodeClick(utf8("[]"));
    assertTrue(array.detail().startsWith("expected a JSON object"), array.detail());
    Invalid<Click> trailing = (Invalid<Click>) EventCodec.decodeClick(utf8(validClick() + "{}"));
    assertTrue(trailing.detail().startsWith("content after the object"), trailing.detail());
  }

  @Test
  void nullValueIsAnEmptyRecord() {
    assertEquals(
        new Invalid<>(Reason.MALFORMED_JSON, "empty record"), EventCodec.decodeClick(null));
    assertEquals(
        new Invalid<>(Reason.MALFORMED_JSON, "empty record"), EventCodec.decodeTransaction(null));
  }

  private static void assertDetailBounded(Decoded<?> decoded) {
    if (decoded instanceof Invalid<?> invalid) {
      assertTrue(!invalid.detail().isEmpty() && invalid.detail().length() <= 200, invalid.detail());
    }
  }

  @Test
  void invalidBecomesDeadLetterWithOriginalBytes() {
    byte[] value = utf8(click(q("c"), q("u"), q("/"), q("x")));
    Invalid<Click> invalid = (Invalid<Click>) EventCodec.decodeClick(value);
    DeadLetter letter = invalid.toDeadLetter("clicks", 3, 42L, value);
    assertEquals(
        new DeadLetter(
            "clicks",
            3,
            42L,
            Reason.INVALID_FIELD,
            "ts: not an integer",
            new String(value, StandardCharsets.UTF_8)),
        letter);
  }

  // ---- encoding ----

  @Test
  void encodesClickAsCompactSpecJson() {
    Click click = new Click("c-000123", "u-42", URL, 1732300000123L);
    assertEquals(
        "{\"eventId\":\"c-000123\",\"userId\":\"u-42\",\"url\":\""
            + URL
            + "\",\"ts\":1732300000123}",
        new String(EventCodec.encode(click), StandardCharsets.UTF_8));
  }

  @Test
  void encodesTransactionAsCompactSpecJson() {
    Transaction txn = new Transaction("t-000981", "u-42", 12.5, "EUR", "DE", 1732300000123L);
    assertEquals(
        "{\"txnId\":\"t-000981\",\"userId\":\"u-42\",\"amount\":12.5,\"currency\":\"EUR\",\"country\":\"DE\",\"ts\":1732300000123}",
        new String(EventCodec.encode(txn), StandardCharsets.UTF_8));
    Transaction noCurrency = new Transaction("t", "u", 0.0, null, "DE", 1732300000123L);
    assertEquals(
        "{\"txnId\":\"t\",\"userId\":\"u\",\"amount\":0.0,\"country\":\"DE\",\"ts\":1732300000123}",
        new String(EventCodec.encode(noCurrency), StandardCharsets.UTF_8));
  }

  @Test
  void encodingEscapesStrings() {
    Click click =
        new Click("q\"b\\s/", "c\n\r\t\b\f\u0000\u001f", "é中" + EMOJI + "\uD800x", 1732300000123L);
    String json = new String(EventCodec.encode(click), StandardCharsets.UTF_8);
    assertEquals(
        "{\"eventId\":\"q\\\"b\\\\s/\",\"userId\":\"c\\n\\r\\t\\b\\f\\u0000\\u001f\",\"url\":\"é中"
            + EMOJI
            + "\\ud800x\",\"ts\":1732300000123}",
        json);
  }

  @Test
  void encodingRejectsNonFiniteAmount() {
    Transaction txn = new Transaction("t", "u", Double.NaN, null, "DE", 1732300000123L);
    assertThrows(IllegalArgumentException.class, () -> EventCodec.encode(txn));
  }

  @Test
  void clickRoundTrips() {
    Click[] clicks = {
      new Click("c-000123", "u-42", URL, 1732300000123L),
      new Click("\"", "\\", "\u0001\u007f\u0080\u07ff\u0800\uffff", EventCodec.MIN_TS),
      new Click("x".repeat(1024), "😀".repeat(512), "\uDBFF\uDFFF\uD800", EventCodec.END_TS - 1),
    };
    for (Click click : clicks) {
      assertEquals(new Valid<>(click), EventCodec.decodeClick(EventCodec.encode(click)));
    }
  }

  @Test
  void transactionRoundTrips() {
    double[] amounts = {
      0.0, 12.5, 0.1, 1e-7, 1e300, Double.MIN_VALUE, Double.MAX_VALUE, 123456789.987654321
    };
    for (double amount : amounts) {
      Transaction txn =
          new Transaction("t-1", "u-1", amount, amount > 1 ? "EUR" : null, "FR", 1732300000123L);
      assertEquals(new Valid<>(txn), EventCodec.decodeTransaction(EventCodec.encode(txn)));
    }
  }

  @Test
  void encodesDeadLetter() {
    DeadLetter letter =
        DeadLetter.of("clicks", 0, 7L, Reason.MALFORMED_JSON, "bad \"x\"", utf8("{\"a\":\n"));
    assertEquals(
        "{\"source\":\"clicks\",\"partition\":0,\"offset\":7,\"reason\":\"MALFORMED_JSON\",\"detail\":\"bad \\\"x\\\"\",\"raw\":\"{\\\"a\\\":\\n\"}",
        new String(DeadLetterJson.encode(letter), StandardCharsets.UTF_8));
    DeadLetter nulls = new DeadLetter("transactions", 2, 9L, null, null, null);
    assertEquals(
        "{\"source\":\"transactions\",\"partition\":2,\"offset\":9,\"reason\":null,\"detail\":null,\"raw\":null}",
        new String(DeadLetterJson.encode(nulls), StandardCharsets.UTF_8));
  }

  @Test
  void deadLetterJsonIsStrictJson() {
    byte[] garbage = bytes("\u0001\"\\", 0xFF, 0xC0, "é", 0xED, 0xA0, 0x80);
    DeadLetter letter = DeadLetter.of("clicks", 0, 0L, Reason.MALFORMED_JSON, "x", garbage);
    byte[] json = DeadLetterJson.encode(letter);
    // our own strict decoder accepts it as an object (and then misses the click fields)
    assertEquals("MISSING_FIELD eventId", outcome(EventCodec.decodeClick(json)));
  }

  private static String hex(int[] seq) {
    StringBuilder sb = new StringBuilder();
    for (int b : seq) {
      sb.append(String.format("%02X", b));
    }
    return sb.toString();
  }
}
