package io.tidemark.streams.event;

/**
 * The outcome of decoding one input record: either a valid event or the reason it cannot be used.
 * Decoding never throws for bad input, so a pipeline maps every record to exactly one of these and
 * turns each {@link Invalid} into a {@link DeadLetter} (SPEC §5).
 *
 * @param <T> the event type
 */
public sealed interface Decoded<T> permits Decoded.Valid, Decoded.Invalid {

  /** {@code true} for {@link Valid}. */
  boolean isValid();

  /**
   * A record that passed every check of SPEC §1.
   *
   * @param value the decoded event
   */
  record Valid<T>(T value) implements Decoded<T> {
    @Override
    public boolean isValid() {
      return true;
    }
  }

  /**
   * A record that cannot be used.
   *
   * @param reason the first problem found, in SPEC precedence order
   * @param detail the field first (e.g. {@code "ts: not an integer"}) or a short parser message
   */
  record Invalid<T>(Reason reason, String detail) implements Decoded<T> {
    @Override
    public boolean isValid() {
      return false;
    }

    /** The dead letter for this record, keeping the original bytes (truncated) as {@code raw}. */
    public DeadLetter toDeadLetter(String source, int partition, long offset, byte[] value) {
      return DeadLetter.of(source, partition, offset, reason, detail, value);
    }
  }
}
