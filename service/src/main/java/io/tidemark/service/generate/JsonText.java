package io.tidemark.service.generate;

/**
 * The few JSON text helpers the generators need: string quoting with RFC 8259 escaping, and numbers
 * rendered without {@code String.format} (which is slow and locale-dependent).
 */
final class JsonText {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  /** {@code value} as a JSON string literal, quotes included. */
  static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2);
    appendQuoted(out, value);
    return out.toString();
  }

  /** Appends {@code value} as a JSON string literal; control characters become escapes. */
  static void appendQuoted(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** {@code prefix} followed by {@code number} zero-padded to at least {@code width} digits. */
  static String paddedId(String prefix, long number, int width) {
    StringBuilder out = new StringBuilder(prefix.length() + width + 4);
    appendPadded(out, prefix, number, width);
    return out.toString();
  }

  /** Appends what {@link #paddedId} returns. */
  static void appendPadded(StringBuilder out, String prefix, long number, int width) {
    out.append(prefix);
    for (long limit = 10, digits = 1; digits < width; limit *= 10, digits++) {
      if (number < limit) {
        out.append('0');
      }
    }
    out.append(number);
  }

  /** An amount in cents as a JSON number with two decimals, e.g. {@code 1250 -> 12.50}. */
  static String amount(long cents) {
    StringBuilder out = new StringBuilder(12);
    appendAmount(out, cents);
    return out.toString();
  }

  /** Appends what {@link #amount} returns. */
  static void appendAmount(StringBuilder out, long cents) {
    out.append(cents / 100).append('.');
    long fraction = cents % 100;
    if (fraction < 10) {
      out.append('0');
    }
    out.append(fraction);
  }
}
