package io.tidemark.service.generate;

/**
 * One generated input record, ready for a file line or a Kafka producer record. The arrays are
 * owned by the record and must not be modified; equality is identity, as for any array component.
 *
 * @param topic logical topic: {@link Generator#CLICKS} or {@link Generator#TRANSACTIONS}
 * @param key the Kafka key (the userId in UTF-8), or {@code null} for a keyless click
 * @param value the record bytes exactly as they go to the file or topic; never contains {@code \n}
 * @param ts the event time a decoder reads from the record, or {@link #NO_TS} when it does not
 *     decode
 * @param kind what the record exercises; kept in memory only, never written
 */
public record GeneratedRecord(String topic, byte[] key, byte[] value, long ts, Injected kind) {

  /** {@link #ts()} of a record that does not decode. */
  public static final long NO_TS = Long.MIN_VALUE;
}
