package io.tidemark.service.replay;

import static io.tidemark.service.cli.Progress.count;
import static io.tidemark.service.cli.Progress.rate;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tidemark.persistence.fraud.FraudSettings;
import io.tidemark.service.cli.Progress;
import io.tidemark.streams.clicks.ClickstreamSettings;
import io.tidemark.streams.clicks.UniqueVisitors.Estimator;
import io.tidemark.streams.event.Reason;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidemark replay}: runs the live pipeline's stream graphs over JSON-lines files (each file
 * one partition, in file order) and writes the files of SPEC §6.1. Clicks run first, then
 * transactions, so that the clicks' events/s is the engine's own figure.
 */
@Command(
    name = "replay",
    description = "Run the stream graphs over JSON-lines files and write the results.",
    mixinStandardHelpOptions = true)
public final class ReplayCommand implements Callable<Integer> {

  @Option(names = "--clicks", required = true, description = "Clicks, one JSON object per line.")
  Path clicks;

  @Option(
      names = "--transactions",
      required = true,
      description = "Transactions, one JSON object per line.")
  Path transactions;

  @Option(names = "--out", required = true, description = "Directory for the output files.")
  Path out;

  @Option(
      names = "--visitors",
      description = "Unique-visitor estimator: ${COMPLETION-CANDIDATES} (default: configuration).")
  Estimator estimator;

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    for (Path file : new Path[] {clicks, transactions}) {
      if (!Files.isReadable(file)) {
        err.println("tidemark replay: cannot read " + file);
        return 2;
      }
    }
    Config config = ConfigFactory.load();
    ClickstreamSettings settings = ClickstreamSettings.create(config);
    settings = settings.withWindows(settings.windows().withEarlyFiringInterval(Duration.ZERO));
    if (estimator != null) {
      settings = settings.withEstimator(estimator);
    }
    ClickReplay clickReplay = new ClickReplay(settings);
    FraudReplay fraudReplay = new FraudReplay(FraudSettings.create(config));

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "tidemark-replay", config);
    long clickNanos;
    long fraudNanos;
    long start = System.nanoTime();
    Progress progress =
        Progress.every(
            Duration.ofSeconds(2),
            err,
            () ->
                "replay: clicks "
                    + count(clickReplay.progress.get())
                    + ", transactions "
                    + count(fraudReplay.progress.get()));
    try {
      clickReplay.run(clicks, system).toCompletableFuture().get();
      clickNanos = System.nanoTime() - start;
      fraudReplay.run(transactions, system).toCompletableFuture().get();
      fraudNanos = System.nanoTime() - start - clickNanos;
    } finally {
      progress.close();
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get();
    }
    ReplayOutput.write(out, clickReplay, fraudReplay);
    long totalNanos = System.nanoTime() - start;

    PrintStream o = System.out;
    o.printf("replay: done in %.2f s, output in %s%n", totalNanos / 1e9, out);
    o.printf(
        "  clicks        %12s records in %.2f s = %s events/s%n",
        count(clickReplay.pageViews.consumed),
        clickNanos / 1e9,
        rate(clickReplay.pageViews.consumed, clickNanos));
    o.printf(
        "    pageviews   counted %s -> %s rows; dead letters %s%n",
        count(clickReplay.pageViews.counted),
        count(clickReplay.pageViewRows.size()),
        reasons(clickReplay.pageViews.deadLetters));
    o.printf(
        "    visitors    counted %s -> %s rows; dead letters %s%n",
        count(clickReplay.visitors.counted),
        count(clickReplay.visitorRows.size()),
        reasons(clickReplay.visitors.deadLetters));
    o.printf(
        "  transactions  %12s records in %.2f s = %s events/s%n",
        count(fraudReplay.counts.consumed),
        fraudNanos / 1e9,
        rate(fraudReplay.counts.consumed, fraudNanos));
    o.printf(
        "    fraud       accepted %s, duplicates %s -> %s alerts; dead letters %s%n",
        count(fraudReplay.counts.counted),
        count(fraudReplay.counts.duplicates),
        count(fraudReplay.alerts.size()),
        reasons(fraudReplay.counts.deadLetters));
    boolean conserved =
        clickReplay.pageViews.conserved()
            && clickReplay.visitors.conserved()
            && fraudReplay.counts.conserved();
    o.printf(
        "  dead letters  %s written; conservation (consumed = counted + duplicates + dead"
            + " letters): %s%n",
        count(clickReplay.deadLetters.size() + fraudReplay.deadLetters.size()),
        conserved ? "holds" : "VIOLATED");
    return conserved ? 0 : 1;
  }

  private static String reasons(Map<Reason, Long> deadLetters) {
    if (deadLetters.isEmpty()) {
      return "none";
    }
    return deadLetters.entrySet().stream()
        .map(e -> e.getKey() + " " + count(e.getValue()))
        .collect(Collectors.joining(", "));
  }
}
