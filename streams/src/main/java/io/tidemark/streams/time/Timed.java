package io.tidemark.streams.time;

/**
 * An event of one input partition with its position and event time: the input of the window stage.
 *
 * @param offset position in the partition (Kafka offset, or line number of a replayed file)
 * @param ts event time, epoch milliseconds
 * @param event the event
 * @param <E> the event type
 */
public record Timed<E>(long offset, long ts, E event) {}
