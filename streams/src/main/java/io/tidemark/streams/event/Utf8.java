package io.tidemark.streams.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation (Unicode Table 3-7): rejects overlong encodings, encoded surrogates, code
 * points above U+10FFFF, stray continuation bytes, truncated sequences and the bytes C0, C1, F5-FF.
 * Jackson only checks part of this, so the codec runs this pass first. ASCII, the common case, is
 * skipped eight bytes at a time.
 */
final class Utf8 {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8() {}

  /** Index of the first byte that starts an ill-formed sequence, or -1 if all is valid UTF-8. */
  static int firstInvalid(byte[] b) {
    final int n = b.length;
    int i = 0;
    while (i < n) {
      if (i + 8 <= n) {
        long high = (long) LONGS.get(b, i) & HIGH_BITS;
        if (high == 0) {
          i += 8;
          continue;
        }
        // little endian: the lowest set bit belongs to the first non-ASCII byte of the word
        i += Long.numberOfTrailingZeros(high) >>> 3;
      }
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
      } else if (c < 0xC2) {
        return i; // continuation byte without a lead, or overlong two-byte lead C0/C1
      } else if (c < 0xE0) {
        if (i + 1 >= n || !continuation(b[i + 1])) {
          return i;
        }
        i += 2;
      } else if (c < 0xF0) {
        if (i + 2 >= n || !validSecondOfThree(c, b[i + 1] & 0xFF) || !continuation(b[i + 2])) {
          return i;
        }
        i += 3;
      } else if (c < 0xF5) {
        if (i + 3 >= n
            || !validSecondOfFour(c, b[i + 1] & 0xFF)
            || !continuation(b[i + 2])
            || !continuation(b[i + 3])) {
          return i;
        }
        i += 4;
      } else {
        return i;
      }
    }
    return -1;
  }

  private static boolean continuation(byte b) {
    return (b & 0xC0) == 0x80;
  }

  // E0 needs A0..BF (no overlong), ED needs 80..9F (no surrogates)
  private static boolean validSecondOfThree(int lead, int second) {
    if (lead == 0xE0) {
      return second >= 0xA0 && second <= 0xBF;
    }
    if (lead == 0xED) {
      return second >= 0x80 && second <= 0x9F;
    }
    return second >= 0x80 && second <= 0xBF;
  }

  // F0 needs 90..BF (no overlong), F4 needs 80..8F (nothing above U+10FFFF)
  private static boolean validSecondOfFour(int lead, int second) {
    if (lead == 0xF0) {
      return second >= 0x90 && second <= 0xBF;
    }
    if (lead == 0xF4) {
      return second >= 0x80 && second <= 0x8F;
    }
    return second >= 0x80 && second <= 0xBF;
  }
}
