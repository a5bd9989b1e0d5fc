package io.tidemark.streams.time;

/**
 * The complete window state after the record at {@code offset}: storing it with the results up to
 * this point and the next offset lets a restarted pipeline continue as if it had never stopped.
 * Emitted by the window stage when checkpoints are enabled, after that record's verdict.
 *
 * @param offset offset of the last record whose effect the snapshot contains
 * @param snapshot watermark and open windows
 */
public record Checkpoint(long offset, WindowSnapshot snapshot) implements WindowOutput {}
