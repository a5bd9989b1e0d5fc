package io.tidemark.service.generate;

import io.tidemark.service.cli.Progress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidemark generate}: writes deterministic mock clicks and transactions as JSON-lines files
 * (SPEC §6.1); the mix is described on {@link Generator}. Progress goes to stderr once a second on
 * long runs, the summary to stdout.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Generate mock clicks and transactions, deterministic for a given seed.",
      "Writes DIR/clicks.jsonl and DIR/transactions.jsonl (one record per line)."
    })
public final class GenerateCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (files).")
  Path out;

  @Option(
      names = "--kafka",
      paramLabel = "BOOTSTRAP",
      description = "Produce to Kafka at these bootstrap servers instead of writing files.")
  String kafka;

  @Option(
      names = "--clicks-topic",
      defaultValue = "clicks",
      paramLabel = "TOPIC",
      description = "Topic of the clicks with --kafka (default: ${DEFAULT-VALUE}).")
  String clicksTopic;

  @Option(
      names = "--transactions-topic",
      defaultValue = "transactions",
      paramLabel = "TOPIC",
      description = "Topic of the transactions with --kafka (default: ${DEFAULT-VALUE}).")
  String transactionsTopic;

  @Option(
      names = "--clicks",
      defaultValue = "100000",
      paramLabel = "N",
      description = "Click records, bad ones included (default: ${DEFAULT-VALUE}).")
  long clicks;

  @Option(
      names = "--transactions",
      defaultValue = "20000",
      paramLabel = "N",
      description = "Transaction records, bad ones included (default: ${DEFAULT-VALUE}).")
  long transactions;

  @Option(
      names = "--seed",
      defaultValue = "42",
      paramLabel = "S",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--users",
      defaultValue = "5000",
      paramLabel = "U",
      description = "Distinct users (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--pages",
      defaultValue = "500",
      paramLabel = "P",
      description = "Distinct pages (default: ${DEFAULT-VALUE}).")
  int pages;

  @Option(
      names = "--fraud-share",
      defaultValue = "0.01",
      paramLabel = "F",
      description = "Share of users acting out a fraud pattern (default: ${DEFAULT-VALUE}).")
  double fraudShare;

  @Option(
      names = "--late-share",
      defaultValue = "0.02",
      paramLabel = "L",
      description =
          "Share of records more than 1 s out of order or late (default: ${DEFAULT-VALUE}).")
  double lateShare;

  @Option(
      names = "--bad-share",
      defaultValue = "0.01",
      paramLabel = "B",
      description = "Share of records that do not decode (default: ${DEFAULT-VALUE}).")
  double badShare;

  @Option(
      names = "--start-ts",
      defaultValue = "1732233600000",
      paramLabel = "MS",
      converter = EventTimeConverter.class,
      description =
          "Event time of the first click: epoch ms or ISO instant (default: ${DEFAULT-VALUE}).")
  long startTs;

  @Option(
      names = "--rate",
      paramLabel = "EVENTS_PER_S",
      description = "Events per second when producing to Kafka; unused when writing files.")
  Double rate;

  @Override
  public Integer call() throws Exception {
    GeneratorSettings settings;
    try {
      settings =
          new GeneratorSettings(
              clicks, transactions, seed, users, pages, fraudShare, lateShare, badShare, startTs);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter err = spec.commandLine().getErr();
    if (kafka != null) {
      return produceToKafka(new Generator(settings), err);
    }
    if (out == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Give --out DIR (files) or --kafka BOOTSTRAP");
    }
    GenerateSummary summary =
        JsonLinesFiles.write(
            new Generator(settings),
            out,
            (written, total, elapsedNanos) -> {
              err.printf(
                  Locale.ROOT,
                  "generate: %d%% (%d of %d records, %.0f records/s)%n",
                  total == 0 ? 100 : written * 100 / total,
                  written,
                  total,
                  written / (elapsedNanos / 1e9));
              err.flush();
            });
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.print("generate: wrote " + out.toAbsolutePath() + "\n" + summary.render());
    stdout.flush();
    return 0;
  }

  private int produceToKafka(Generator generator, PrintWriter err) {
    KafkaGenerate producer = new KafkaGenerate(kafka, clicksTopic, transactionsTopic);
    long total = generator.settings().clicks() + generator.settings().transactions();
    long start = System.nanoTime();
    Progress progress =
        Progress.every(
            Duration.ofSeconds(1),
            System.err,
            () ->
                "generate: "
                    + Progress.count(producer.produced())
                    + " of "
                    + Progress.count(total)
                    + " records ("
                    + Progress.rate(producer.produced(), System.nanoTime() - start)
                    + "/s)");
    try {
      long sent = producer.produce(generator, rate == null ? 0 : rate);
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.printf(
          Locale.ROOT,
          "generate: produced %d records to %s (%s, %s) in %.1f s%n",
          sent,
          kafka,
          clicksTopic,
          transactionsTopic,
          (System.nanoTime() - start) / 1e9);
      stdout.flush();
    } finally {
      progress.close();
    }
    return 0;
  }

  /** Reads an event time given as epoch milliseconds or as an ISO-8601 instant. */
  static final class EventTimeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException notMillis) {
        try {
          return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
          throw new CommandLine.TypeConversionException(
              "'" + value + "' is neither epoch milliseconds nor an ISO-8601 instant");
        }
      }
    }
  }
}
