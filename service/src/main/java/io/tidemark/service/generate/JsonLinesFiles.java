package io.tidemark.service.generate;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Writes a {@link Generator}'s records as {@code DIR/clicks.jsonl} and {@code
 * DIR/transactions.jsonl}: the raw record bytes, one per line, each followed by {@code \n} (the
 * format {@code tidemark replay} reads). Records carry no newline, so line {@code n} is record
 * {@code n}.
 */
public final class JsonLinesFiles {

  /** Told how far the writing got; called at most about once a second. */
  @FunctionalInterface
  public interface Progress {
    void report(long written, long total, long elapsedNanos);
  }

  private static final int BUFFER = 1 << 20;
  private static final int CHECK_EVERY = 8192;
  private static final long REPORT_EVERY_NANOS = 1_000_000_000L;

  private JsonLinesFiles() {}

  /** Writes both files into {@code dir} (created if needed), replacing existing ones. */
  public static GenerateSummary write(Generator generator, Path dir, Progress progress)
      throws IOException {
    Files.createDirectories(dir);
    long total = generator.settings().clicks() + generator.settings().transactions();
    long started = System.nanoTime();
    Clock clock = new Clock(started, total, progress);
    List<FileSummary> files = new ArrayList<>(2);
    files.add(writeFile(dir, Generator.CLICKS, generator.clicks(), clock));
    files.add(writeFile(dir, Generator.TRANSACTIONS, generator.transactions(), clock));
    return new GenerateSummary(files, generator.fraudPatternUsers(), System.nanoTime() - started);
  }

  private static FileSummary writeFile(
      Path dir, String topic, Iterator<GeneratedRecord> records, Clock clock) throws IOException {
    String name = topic + ".jsonl";
    FileSummary.Tally tally = new FileSummary.Tally(name);
    try (OutputStream out =
        new BufferedOutputStream(Files.newOutputStream(dir.resolve(name)), BUFFER)) {
      while (records.hasNext()) {
        GeneratedRecord record = records.next();
        out.write(record.value());
        out.write('\n');
        tally.add(record);
        if (tally.records() % CHECK_EVERY == 0) {
          clock.tick(CHECK_EVERY);
        }
      }
    }
    clock.tick(tally.records() % CHECK_EVERY);
    return tally.toSummary();
  }

  /** Counts written records across files and reports progress once a second. */
  private static final class Clock {
    private final long started;
    private final long total;
    private final Progress progress;
    private long written;
    private long lastReport;

    Clock(long started, long total, Progress progress) {
      this.started = started;
      this.total = total;
      this.progress = progress;
      this.lastReport = started;
    }

    void tick(long records) {
      written += records;
      long now = System.nanoTime();
      if (now - lastReport >= REPORT_EVERY_NANOS) {
        lastReport = now;
        progress.report(written, total, now - started);
      }
    }
  }
}
