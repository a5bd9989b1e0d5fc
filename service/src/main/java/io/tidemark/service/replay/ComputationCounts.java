package io.tidemark.service.replay;

import io.tidemark.streams.event.Reason;
import java.util.EnumMap;
import java.util.Map;

/**
 * The conservation counters of one computation (SPEC §4.2 invariant): every consumed record is
 * counted, ignored as a duplicate, or dead-lettered. Single-threaded: owned by one stream stage.
 */
final class ComputationCounts {
  long consumed;
  long counted;
  long duplicates;
  final Map<Reason, Long> deadLetters = new EnumMap<>(Reason.class);

  void deadLetter(Reason reason) {
    deadLetters.merge(reason, 1L, Long::sum);
  }

  long deadLettered() {
    return deadLetters.values().stream().mapToLong(Long::longValue).sum();
  }

  /** True when nothing disappeared: consumed = counted + duplicates + dead letters. */
  boolean conserved() {
    return consumed == counted + duplicates + deadLettered();
  }
}
