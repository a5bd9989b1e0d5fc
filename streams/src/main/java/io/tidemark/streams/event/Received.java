package io.tidemark.streams.event;

/**
 * A decoded event together with the record it was decoded from, so that a record judged later (too
 * late for its windows) can still be dead-lettered exactly as it was received (SPEC §4.2 {@code
 * raw}).
 *
 * @param event the decoded event
 * @param raw the original record bytes
 * @param <E> the event type
 */
public record Received<E>(E event, byte[] raw) {}
