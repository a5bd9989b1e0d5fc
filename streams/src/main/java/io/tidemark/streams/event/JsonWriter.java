package io.tidemark.streams.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one compact JSON object as UTF-8 bytes, for the encoders of this package. Strings are
 * escaped per RFC 8259; a lone surrogate is written as a {@code \\uXXXX} escape so that any Java
 * string survives a round trip. Single use, not thread-safe.
 */
final class JsonWriter {

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private byte[] buf;
  private int len;
  private boolean first = true;

  JsonWriter(int capacityHint) {
    buf = new byte[Math.max(16, capacityHint)];
    buf[len++] = '{';
  }

  JsonWriter field(String name, String value) {
    name(name);
    if (value == null) {
      ascii("null");
    } else {
      string(value);
    }
    return this;
  }

  JsonWriter field(String name, long value) {
    name(name);
    ascii(Long.toString(value));
    return this;
  }

  /** Writes a finite double; JSON has no NaN or Infinity. */
  JsonWriter field(String name, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " is not finite: " + value);
    }
    name(name);
    ascii(Double.toString(value));
    return this;
  }

  /** Closes the object and returns its bytes. */
  byte[] toBytes() {
    ensure(1);
    buf[len++] = '}';
    return Arrays.copyOf(buf, len);
  }

  private void name(String name) {
    ensure(1);
    if (!first) {
      buf[len++] = ',';
    }
    first = false;
    string(name);
    ensure(1);
    buf[len++] = ':';
  }

  private void ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) s.charAt(i);
    }
  }

  private void string(String s) {
    int n = s.length();
    ensure(n + 2);
    buf[len++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      ensure(12);
      if (c < 0x80) {
        if (c < 0x20 || c == '"' || c == '\\') {
          escape(c);
        } else {
          buf[len++] = (byte) c;
        }
      } else if (c < 0x800) {
        buf[len++] = (byte) (0xC0 | c >> 6);
        buf[len++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        buf[len++] = (byte) (0xF0 | cp >> 18);
        buf[len++] = (byte) (0x80 | cp >> 12 & 0x3F);
        buf[len++] = (byte) (0x80 | cp >> 6 & 0x3F);
        buf[len++] = (byte) (0x80 | cp & 0x3F);
      } else if (Character.isSurrogate(c)) {
        unicodeEscape(c); // lone surrogate: not encodable in UTF-8, but valid as a JSON escape
      } else {
        buf[len++] = (byte) (0xE0 | c >> 12);
        buf[len++] = (byte) (0x80 | c >> 6 & 0x3F);
        buf[len++] = (byte) (0x80 | c & 0x3F);
      }
    }
    ensure(1);
    buf[len++] = '"';
  }

  private void escape(char c) {
    char shortForm =
        switch (c) {
          case '"' -> '"';
          case '\\' -> '\\';
          case '\n' -> 'n';
          case '\r' -> 'r';
          case '\t' -> 't';
          case '\b' -> 'b';
          case '\f' -> 'f';
          default -> 0;
        };
    if (shortForm != 0) {
      buf[len++] = '\\';
      buf[len++] = (byte) shortForm;
    } else {
      unicodeEscape(c);
    }
  }

  private void unicodeEscape(char c) {
    buf[len++] = '\\';
    buf[len++] = 'u';
    buf[len++] = HEX[c >> 12 & 0xF];
    buf[len++] = HEX[c >> 8 & 0xF];
    buf[len++] = HEX[c >> 4 & 0xF];
    buf[len++] = HEX[c & 0xF];
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(len + extra, buf.length * 2));
    }
  }
}
