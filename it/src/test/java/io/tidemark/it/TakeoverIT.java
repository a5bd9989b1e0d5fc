package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.service.infra.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code tidemark run} JVMs in one consumer group share the 4 partitions; one is killed with
 * SIGKILL mid-stream, and the other takes its partitions over from the offsets and window
 * checkpoints in the database. The tables end exact.
 */
class TakeoverIT {

  static final int CLICKS = 100_000;
  static final Duration DRAIN = Duration.ofMinutes(5);

  @TempDir Path work;

  EmbeddedKafka kafka;
  ServiceConfig config;
  ServiceProcess first;
  ServiceProcess second;

  @BeforeEach
  void startKafka() {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(Map.of("clicks", 4, "dead-letters", 1));
    config = ServiceConfig.onMachinePostgres(kafka.bootstrapServers());
  }

  @AfterEach
  void stopEverything() {
    for (ServiceProcess service : new ServiceProcess[] {first, second}) {
      if (service != null) {
        service.close();
      }
    }
    if (config != null) {
      config.dropSchema();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void survivingNodeTakesOverTheKilledNodesPartitionsAndTheTablesEndExact() throws Exception {
    DataSource db = config.dataSource();
    first = ServiceProcess.start(config.env(), config.properties(), work.resolve("first.log"));
    second = ServiceProcess.start(config.env(), config.properties(), work.resolve("second.log"));
    // Both nodes own partitions before any click arrives.
    Await.until(
        DRAIN,
        () -> assignment().size() == 2 && assignment().values().stream().allMatch(n -> n == 2),
        () ->
            "two members with two partitions each: "
                + assignment()
                + "\nfirst:\n"
                + first.tail(20)
                + "\nsecond:\n"
                + second.tail(20));

    CompletableFuture<Long> produced =
        CompletableFuture.supplyAsync(
            () ->
                ClickTopic.produce(
                    kafka.bootstrapServers(),
                    "clicks",
                    GeneratorSettings.defaults().withCounts(CLICKS, 0).withSeed(17)));
    long threshold = CLICKS * 4L / 10;
    Await.closely(
        DRAIN,
        () -> ExactlyOnce.committed(db, "clicks") >= threshold,
        () -> "committed " + ExactlyOnce.committed(db, "clicks") + " of " + CLICKS);
    SortedMap<String, Integer> before = assignment();
    first.kill(Duration.ofSeconds(30));
    long atKill = ExactlyOnce.committed(db, "clicks");
    assertEquals(2, before.size(), "both nodes owned partitions at the kill: " + before);
    assertTrue(atKill < CLICKS, "killed mid-stream: " + atKill + " of " + CLICKS + " committed");

    // The group notices the dead member (session timeout) and gives everything to the survivor.
    Await.until(
        DRAIN,
        () -> {
          SortedMap<String, Integer> now = assignment();
          return now.size() == 1 && now.values().iterator().next() == 4;
        },
        () -> "the survivor owns all 4 partitions: " + assignment());
    assertEquals(CLICKS, produced.get(2, TimeUnit.MINUTES));
    SortedMap<Integer, Long> ends = ClickTopic.endOffsets(kafka.bootstrapServers(), "clicks");
    ExactlyOnce.awaitDrained(db, "clicks", ends, DRAIN);
    assertTrue(second.isAlive(), "the survivor kept running");
    second.close();

    String summary =
        ExactlyOnce.assertExact(
            kafka.bootstrapServers(),
            "clicks",
            "dead-letters",
            ends,
            CLICKS,
            db,
            config.clickstream());
    System.out.printf(
        "TakeoverIT: members before the kill %s, killed at %d of %d committed; %s%n",
        before, atKill, CLICKS, summary);
  }

  /** Partitions per member of the service's consumer group, by member id. */
  private SortedMap<String, Integer> assignment() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      ConsumerGroupDescription group =
          admin
              .describeConsumerGroups(List.of(config.groupId()))
              .describedGroups()
              .get(config.groupId())
              .get(30, TimeUnit.SECONDS);
      SortedMap<String, Integer> members = new TreeMap<>();
      for (MemberDescription member : group.members()) {
        members.put(member.consumerId(), member.assignment().topicPartitions().size());
      }
      return members;
    } catch (Exception e) {
      return new TreeMap<>(Map.of("(unreadable: " + e + ")", -1));
    }
  }
}
