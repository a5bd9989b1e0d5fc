package io.tidemark.streams.event;

import java.nio.charset.StandardCharsets;

/**
 * A record that could not be counted, with a precise reason (SPEC §4.2). {@code raw} is the
 * original record text, truncated to {@link #MAX_RAW_BYTES} bytes.
 *
 * @param source input name: {@code clicks} or {@code transactions}
 * @param partition input partition (0 for files)
 * @param offset offset in the partition (0-based line number for files)
 * @param reason why it was rejected
 * @param detail human-readable precision: the field, the computations it was too late for, ...
 * @param raw the original record text, possibly truncated
 */
public record DeadLetter(
    String source, int partition, long offset, Reason reason, String detail, String raw) {

  /** Largest {@code raw} kept, in bytes of the original record. */
  public static final int MAX_RAW_BYTES = 64 * 1024;

  /** Builds a dead letter from the original record bytes, decoding them leniently. */
  public static DeadLetter of(
      String source, int partition, long offset, Reason reason, String detail, byte[] value) {
    int length = Math.min(value.length, MAX_RAW_BYTES);
    String raw = new String(value, 0, length, StandardCharsets.UTF_8);
    return new DeadLetter(source, partition, offset, reason, detail, raw);
  }
}
