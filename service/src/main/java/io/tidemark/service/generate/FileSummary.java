package io.tidemark.service.generate;

import io.tidemark.streams.event.Reason;
import java.util.EnumMap;
import java.util.Map;

/**
 * What went into one generated file: records by {@link Injected} kind, bytes, and the event-time
 * span of the records that decode ({@link Injected#VALID_MIN_TS} aside).
 *
 * @param file the file's name
 * @param records lines written
 * @param bytes bytes written, newlines included
 * @param kinds records per kind, only kinds that occur
 * @param minTs smallest ts of a decodable record, or {@link Long#MAX_VALUE} if none
 * @param maxTs largest ts of a decodable record, or {@link Long#MIN_VALUE} if none
 */
public record FileSummary(
    String file, long records, long bytes, Map<Injected, Long> kinds, long minTs, long maxTs) {

  public FileSummary {
    kinds = Map.copyOf(kinds);
  }

  /** Records of the given kind. */
  public long count(Injected kind) {
    return kinds.getOrDefault(kind, 0L);
  }

  /**
   * Dead letters the pipeline must write for this file by reason: decode failures, and the records
   * that are too late by construction (clicks: one per event, whatever the computation).
   */
  public Map<Reason, Long> expectedDeadLetters() {
    Map<Reason, Long> expected = new EnumMap<>(Reason.class);
    kinds.forEach(
        (kind, n) -> {
          Reason reason = kind.tooLate() ? Reason.TOO_LATE : kind.decodeFailure();
          if (reason != null) {
            expected.merge(reason, n, Long::sum);
          }
        });
    return expected;
  }

  /** Accumulates a summary while a file is written. */
  static final class Tally {
    private final String file;
    private final long[] kinds = new long[Injected.values().length];
    private long records;
    private long bytes;
    private long minTs = Long.MAX_VALUE;
    private long maxTs = Long.MIN_VALUE;

    Tally(String file) {
      this.file = file;
    }

    void add(GeneratedRecord record) {
      records++;
      bytes += record.value().length + 1;
      kinds[record.kind().ordinal()]++;
      if (record.kind().decodes() && record.kind() != Injected.VALID_MIN_TS) {
        minTs = Math.min(minTs, record.ts());
        maxTs = Math.max(maxTs, record.ts());
      }
    }

    long records() {
      return records;
    }

    FileSummary toSummary() {
      Map<Injected, Long> byKind = new EnumMap<>(Injected.class);
      for (Injected kind : Injected.values()) {
        if (kinds[kind.ordinal()] > 0) {
          byKind.put(kind, kinds[kind.ordinal()]);
        }
      }
      return new FileSummary(file, records, bytes, byKind, minTs, maxTs);
    }
  }
}
