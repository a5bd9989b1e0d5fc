package io.tidemark.service.reconcile;

import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.service.pipeline.PipelineSettings;
import io.tidemark.service.run.DatabaseSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidemark reconcile}: recomputes every window from the clicks topic and compares with the
 * serving tables (SPEC §6.1). The tables and the pipeline's offsets are read in one snapshot, and
 * each partition is recomputed up to exactly the offset the tables stand for, so the comparison is
 * exact even while the pipeline runs. Windows the pipeline has not fired yet (still open at its
 * offsets) are in neither side.
 *
 * <p>Exit codes: 0 the tables agree; 1 differences; 2 with {@code --require-caught-up} when the
 * pipeline has not reached the end of the topic.
 */
@Command(
    name = "reconcile",
    mixinStandardHelpOptions = true,
    description = {
      "Recompute every window from the clicks topic and compare with the serving tables.",
      "Exit 0 when they agree, 1 on differences."
    })
public final class ReconcileCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--require-caught-up",
      description = "Exit 2 when the pipeline has not consumed the topic to its end.")
  boolean requireCaughtUp;

  @Option(
      names = "--max-differences",
      defaultValue = "50",
      paramLabel = "N",
      description = "Differences printed at most (default: ${DEFAULT-VALUE}).")
  int maxDifferences;

  @Override
  public Integer call() throws Exception {
    var config = ConfigFactory.load();
    PipelineSettings settings = PipelineSettings.create(config);
    PrintWriter out = spec.commandLine().getOut();
    ServingRows tables;
    try (HikariDataSource dataSource =
        DatabaseSettings.create(config).openMigrated("tidemark-reconcile")) {
      tables = ServingTables.read(dataSource, settings.name(), settings.clicksTopic());
    }
    SortedMap<Integer, Long> ends = endOffsets(settings);
    SortedMap<Integer, Long> until = new TreeMap<>();
    ends.keySet().forEach(p -> until.put(p, tables.nextOffsets().getOrDefault(p, 0L)));
    Recomputation log =
        Recomputation.fromKafka(
            settings.bootstrapServers(),
            settings.clicksTopic(),
            until,
            settings.clickstream(),
            Duration.ofMinutes(10));
    Reconciliation result =
        Reconciliation.compare(tables, log.rows(until), settings.clickstream().estimator());
    long behind = 0;
    for (Map.Entry<Integer, Long> end : ends.entrySet()) {
      behind += Math.max(0, end.getValue() - until.get(end.getKey()));
    }
    List<String> differences = result.differences();
    differences.stream().limit(maxDifferences).forEach(d -> out.println("DIFF " + d));
    if (differences.size() > maxDifferences) {
      out.println("... and " + (differences.size() - maxDifferences) + " more differences");
    }
    out.printf(
        "reconcile: %d rows compared at offsets %s (%d records): %d differences; %d windows still"
            + " open; pipeline %s%n",
        result.comparedRows(),
        until,
        log.consumed(),
        differences.size(),
        log.openWindowCount(),
        behind == 0 ? "caught up" : "behind the end by " + behind + " records");
    out.flush();
    if (!result.agrees()) {
      return 1;
    }
    return requireCaughtUp && behind > 0 ? 2 : 0;
  }

  private static SortedMap<Integer, Long> endOffsets(PipelineSettings settings) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(settings.clicksTopic(), Duration.ofSeconds(30)).stream()
              .map(PartitionInfo::partition)
              .map(p -> new TopicPartition(settings.clicksTopic(), p))
              .toList();
      SortedMap<Integer, Long> ends = new TreeMap<>();
      consumer
          .endOffsets(partitions, Duration.ofSeconds(30))
          .forEach((tp, offset) -> ends.put(tp.partition(), offset));
      return ends;
    }
  }
}
