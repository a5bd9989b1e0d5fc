package io.tidemark.streams.event;

/**
 * The JSON form of a {@link DeadLetter} on the {@code dead-letters} topic and in replay output
 * (SPEC §4.2): {@code {"source","partition","offset","reason","detail","raw"}}, compact, UTF-8.
 */
public final class DeadLetterJson {

  private DeadLetterJson() {}

  /** Encodes one dead letter; {@code null} strings become JSON {@code null}. */
  public static byte[] encode(DeadLetter letter) {
    String raw = letter.raw();
    String detail = letter.detail();
    return new JsonWriter(
            96 + (raw == null ? 0 : raw.length()) + (detail == null ? 0 : detail.length()))
        .field("source", letter.source())
        .field("partition", letter.partition())
        .field("offset", letter.offset())
        .field("reason", letter.reason() == null ? null : letter.reason().name())
        .field("detail", detail)
        .field("raw", raw)
        .toBytes();
  }
}
