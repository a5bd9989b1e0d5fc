package io.tidemark.service.generate;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Turns a valid record of either topic into a record of a requested {@link Injected} kind that is
 * the same for both topics: every malformed, missing and invalid kind, and the valid oddities
 * (unknown fields, duplicate keys, whitespace). Within a kind the variant (which field, which
 * spelling) rotates, so every variant appears after a few records of that kind.
 */
final class Mutations {

  /** Marks the spot in rendered text where raw bytes get spliced in; never in real values. */
  private static final char MARK = '\u0000';

  private static final byte[][] INVALID_UTF8 = {
    {(byte) 0xC3, 0x28}, // lead byte followed by a non-continuation byte
    {(byte) 0xFF}, // never valid
    {(byte) 0x80}, // lone continuation byte
    {(byte) 0xC0, (byte) 0xAF}, // overlong encoding of '/'
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // UTF-16 surrogate encoded in UTF-8
    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
    {(byte) 0xE2, (byte) 0x82}, // 3-byte sequence cut short
  };

  private static final byte[] BINARY_STARTS = {
    0x00, (byte) 0xFF, (byte) 0x89, 0x1F, (byte) 0x80, (byte) 0xFE
  };

  private final Rng rng;
  private final List<String> required;
  private final List<String> strings;
  private final String textField;
  private final int[] turns = new int[Injected.values().length];

  /**
   * @param required the topic's required fields in SPEC order ({@code ts} last)
   * @param strings the required fields that hold strings
   * @param textField a free-text string field to corrupt (url or userId)
   */
  Mutations(Rng rng, List<String> required, List<String> strings, String textField) {
    this.rng = rng;
    this.required = required;
    this.strings = strings;
    this.textField = textField;
  }

  /** The bytes of {@code kind} made from {@code valid}, which is left unchanged. */
  byte[] make(Injected kind, JsonFields valid) {
    int turn = turns[kind.ordinal()]++;
    JsonFields f = valid.copy();
    String compact = valid.render();
    return switch (kind) {
      case MALFORMED_TRUNCATED -> truncated(compact);
      case MALFORMED_TRAILING_GARBAGE ->
          utf8(compact + pick(turn, "}", "x", "{}", " 1", "]", ",", " " + compact));
      case MALFORMED_TRAILING_COMMA ->
          utf8(
              pick(
                  turn,
                  f.render("", ":", ",", ","),
                  f.render(",", ":", ",", ""),
                  f.render("", ":", ",,", "")));
      case MALFORMED_COMMENT ->
          utf8(
              pick(
                  turn,
                  f.render("/* replayed */", ":", ",", ""),
                  compact + "// note",
                  compact + " /* end */",
                  f.render("#note ", ":", ",", "")));
      case MALFORMED_NON_NUMERIC -> nonNumeric(f, turn);
      case MALFORMED_SINGLE_QUOTES -> utf8(compact.replace('"', '\''));
      case MALFORMED_UNQUOTED_KEY -> {
        String name = rotate(required, turn);
        yield utf8(compact.replace("\"" + name + "\":", name + ":"));
      }
      case MALFORMED_NOT_AN_OBJECT ->
          utf8(
              pick(
                  turn,
                  "[" + compact + "]",
                  "[]",
                  "42",
                  JsonText.quote(compact),
                  "null",
                  "true",
                  "[" + compact + "," + compact + "]"));
      case MALFORMED_EMPTY -> utf8(pick(turn, "", " ", "\t", "  \t "));
      case MALFORMED_BINARY_GARBAGE -> binaryGarbage(turn);
      case MALFORMED_INVALID_UTF8 -> spliced(f, INVALID_UTF8[turn % INVALID_UTF8.length]);
      case MALFORMED_CONTROL_CHARACTER ->
          utf8(insertIntoText(f, pick(turn, "\t", "\u0001", "\u001f", "\r")).render());
      case MALFORMED_BAD_ESCAPE ->
          utf8(insertIntoText(f, pick(turn, "\\x41", "\\'", "\\u12G4", "\\a", "\\ ")).render());
      case MALFORMED_NUMBER_SYNTAX -> numberSyntax(f, turn);
      case MALFORMED_AND_MISSING ->
          utf8(f.remove(rotate(required, turn)).render("", ":", ",", ","));
      case MISSING_ABSENT -> utf8(f.remove(rotate(required, turn)).render());
      case MISSING_NULL -> utf8(f.set(rotate(required, turn), "null").render());
      case MISSING_WRONG_CASE -> {
        String name = rotate(required, turn);
        String lower = name.toLowerCase(Locale.ROOT);
        yield utf8(
            f.rename(name, lower.equals(name) ? name.toUpperCase(Locale.ROOT) : lower).render());
      }
      case MISSING_AND_INVALID ->
          utf8(f.set(required.get(0), "42").remove(required.get(required.size() - 1)).render());
      case INVALID_TS_STRING -> utf8(f.set("ts", "\"" + valid.get("ts") + "\"").render());
      case INVALID_TS_FRACTION ->
          utf8(f.set("ts", valid.get("ts") + pick(turn, ".5", ".25", ".999")).render());
      case INVALID_TS_TOO_SMALL ->
          utf8(f.set("ts", pick(turn, "946684799999", "0", "-1", "-" + valid.get("ts"))).render());
      case INVALID_TS_TOO_LARGE ->
          utf8(
              f.set(
                      "ts",
                      pick(
                          turn,
                          "4102444800000",
                          "9223372036854775807",
                          "99999999999999999999",
                          "4102444800001"))
                  .render());
      case INVALID_TS_WRONG_TYPE ->
          utf8(
              f.set(
                      "ts",
                      pick(
                          turn,
                          "true",
                          "false",
                          "{}",
                          "[]",
                          "{\"ms\":" + valid.get("ts") + "}",
                          "[" + valid.get("ts") + "]"))
                  .render());
      case INVALID_EMPTY_STRING -> utf8(f.set(rotate(strings, turn), "\"\"").render());
      case INVALID_STRING_TOO_LONG ->
          utf8(
              f.set(rotate(strings, turn), JsonText.quote(tooLong(rotate(strings, turn), turn)))
                  .render());
      case INVALID_NON_STRING ->
          utf8(
              f.set(
                      rotate(strings, turn),
                      pick(turn / strings.size(), "42", "true", "{\"id\":\"x\"}", "[\"x\"]", "1.5"))
                  .render());
      case INVALID_DUPLICATE_KEY_LAST_BAD -> {
        String name = rotate(required, turn);
        yield utf8(f.raw(name, badValue(name)).render());
      }
      case INVALID_COUNTRY ->
          utf8(
              f.set(
                      "country",
                      pick(
                          turn,
                          "\"DEU\"",
                          "\"D1\"",
                          "\"D\"",
                          "\"\u00c4B\"",
                          "\" D\"",
                          "\"1A\"",
                          "\"D-\""))
                  .render());
      case INVALID_AMOUNT_NEGATIVE ->
          utf8(f.set("amount", pick(turn, "-0.01", "-12.50", "-1e3", "-1")).render());
      case INVALID_AMOUNT_OVERFLOW ->
          utf8(f.set("amount", pick(turn, "1e999", "-1e999", "2e308", "1E400")).render());
      case INVALID_AMOUNT_WRONG_TYPE ->
          utf8(
              f.set("amount", pick(turn, "\"12.50\"", "true", "{\"value\":12.5}", "[12.5]"))
                  .render());
      case VALID_UNKNOWN_FIELDS -> utf8(unknownFields(f).render());
      case VALID_DUPLICATE_KEYS -> {
        String name = rotate(required, turn);
        yield utf8(f.prepend(name, turn % 2 == 0 ? "null" : badValue(name)).render());
      }
      case VALID_WHITESPACE -> utf8(" " + f.render(" \t", " : ", " ,\t", "\t ") + "  ");
      default -> throw new IllegalArgumentException("not a shared kind: " + kind);
    };
  }

  private byte[] truncated(String compact) {
    byte[] bytes = utf8(compact);
    return Arrays.copyOf(bytes, 1 + rng.nextInt(bytes.length - 1));
  }

  private byte[] nonNumeric(JsonFields f, int turn) {
    String field = f.get("amount") != null && turn % 2 == 1 ? "amount" : "ts";
    return utf8(f.set(field, pick(turn / 2, "NaN", "Infinity", "-Infinity")).render());
  }

  private byte[] numberSyntax(JsonFields f, int turn) {
    String ts = f.get("ts");
    String amount = f.get("amount");
    if (amount != null && turn % 2 == 1) {
      return utf8(f.set("amount", pick(turn / 2, ".5", "0" + amount, "1.5e", "1.")).render());
    }
    return utf8(f.set("ts", pick(turn / 2, "0" + ts, "+" + ts, ts + ".", "- " + ts)).render());
  }

  private byte[] binaryGarbage(int turn) {
    byte[] bytes = new byte[1 + rng.nextInt(120)];
    for (int i = 1; i < bytes.length; i++) {
      bytes[i] = (byte) rng.nextInt(256);
      if (bytes[i] == '\n') {
        bytes[i] = ' ';
      }
    }
    bytes[0] = BINARY_STARTS[turn % BINARY_STARTS.length];
    return bytes;
  }

  /** Renders {@code f} with {@code raw} bytes placed at the end of the text field's string. */
  private byte[] spliced(JsonFields f, byte[] raw) {
    String text = insertIntoText(f, String.valueOf(MARK)).render();
    int at = text.indexOf(MARK);
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + raw.length);
    out.writeBytes(utf8(text.substring(0, at)));
    out.writeBytes(raw);
    out.writeBytes(utf8(text.substring(at + 1)));
    return out.toByteArray();
  }

  /** Inserts raw characters (no escaping) before the closing quote of the text field. */
  private JsonFields insertIntoText(JsonFields f, String raw) {
    String quoted = f.get(textField);
    return f.set(textField, quoted.substring(0, quoted.length() - 1) + raw + "\"");
  }

  private JsonFields unknownFields(JsonFields f) {
    String known = required.get(0);
    return f.prepend("source", "\"web\"")
        .raw("meta", "{\"ab\":[1,2.5,{\"x\":null}],\"ok\":true,\"tags\":[]}")
        .raw(Character.toUpperCase(known.charAt(0)) + known.substring(1), "\"ignored\"")
        .raw("sessionId", "123456789012345678901234567890")
        .raw("note", "null");
  }

  /** A value for {@code name} that is invalid (never missing). */
  private static String badValue(String name) {
    return switch (name) {
      case "ts" -> "\"soon\"";
      case "amount" -> "-1";
      case "country" -> "\"DEU\"";
      default -> "\"\"";
    };
  }

  /** A string of 1025 UTF-16 units for the field; every third one is mostly emoji. */
  private static String tooLong(String field, int turn) {
    StringBuilder out = new StringBuilder(1030);
    if ("country".equals(field)) {
      return out.append("D".repeat(1025)).toString();
    }
    out.append("url".equals(field) ? "https://shop.example/p/1?q=" : field.substring(0, 1) + "-");
    if (turn % 3 == 2) {
      while (out.length() + 2 <= 1024) {
        out.append("\uD83D\uDE00");
      }
    }
    while (out.length() < 1025) {
      out.append('x');
    }
    return out.toString();
  }

  private static String rotate(List<String> names, int turn) {
    return names.get(turn % names.size());
  }

  private static String pick(int turn, String... choices) {
    return choices[turn % choices.length];
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
