package io.tidemark.streams.time;

/**
 * What the window stage emits: {@link WindowResult}s (fired windows, late updates, provisional
 * values), exactly one {@link Verdict} per input record, and {@link Checkpoint}s when enabled.
 *
 * <p>Every result a record causes is emitted before that record's verdict, so a verdict marks the
 * point where the record's effect on the outputs is complete.
 */
public sealed interface WindowOutput permits WindowResult, Verdict, Checkpoint {}
