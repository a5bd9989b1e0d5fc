package io.tidemark.service.generate;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of one {@code tidemark generate} run, rendered for people by {@link #render()}.
 *
 * @param files one summary per written file, clicks first
 * @param fraudPatternUsers users acting out a fraud pattern
 * @param elapsedNanos wall time of the whole run
 */
public record GenerateSummary(List<FileSummary> files, int fraudPatternUsers, long elapsedNanos) {

  public GenerateSummary {
    files = List.copyOf(files);
  }

  public long records() {
    return files.stream().mapToLong(FileSummary::records).sum();
  }

  /** Several lines: per file its totals, expected dead letters and kinds; then the speed. */
  public String render() {
    StringBuilder out = new StringBuilder();
    for (FileSummary file : files) {
      out.append(file.file())
          .append(": ")
          .append(file.records())
          .append(" records, ")
          .append(file.bytes())
          .append(" bytes, event time ")
          .append(span(file))
          .append('\n');
      out.append("  expected dead letters:");
      file.expectedDeadLetters()
          .forEach((reason, n) -> out.append(' ').append(reason).append(' ').append(n));
      out.append('\n');
      file.kinds().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              e ->
                  out.append(
                      String.format(Locale.ROOT, "  %-28s %10d%n", e.getKey(), e.getValue())));
      if (file.file().startsWith(Generator.TRANSACTIONS)) {
        out.append("  fraud pattern users: ").append(fraudPatternUsers).append('\n');
      }
    }
    double seconds = elapsedNanos / 1e9;
    out.append(
        String.format(
            Locale.ROOT,
            "total: %d records in %.2f s (%.0f records/s)%n",
            records(),
            seconds,
            seconds > 0 ? records() / seconds : 0.0));
    return out.toString();
  }

  private static String span(FileSummary file) {
    if (file.minTs() > file.maxTs()) {
      return "none";
    }
    return Instant.ofEpochMilli(file.minTs()) + " .. " + Instant.ofEpochMilli(file.maxTs());
  }
}
