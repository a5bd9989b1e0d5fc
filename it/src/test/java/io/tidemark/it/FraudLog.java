package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidemark.persistence.fraud.Decision;
import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.persistence.fraud.FraudRule;
import io.tidemark.persistence.fraud.FraudSettings;
import io.tidemark.persistence.fraud.FraudState;
import io.tidemark.service.fraud.FraudAlertJson;
import io.tidemark.service.generate.GeneratedRecord;
import io.tidemark.service.generate.Generator;
import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.streams.event.Decoded;
import io.tidemark.streams.event.EventCodec;
import io.tidemark.streams.event.Transaction;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The fraud side of a test: generated transactions on a topic, what the pure rule expects from them
 * (each partition in order, users' states in a map, as {@code tidemark replay} does), and what the
 * service left on the output topics and in the {@code fraud_alerts} table.
 */
final class FraudLog {

  /**
   * What the input should produce.
   *
   * @param alerts expected alerts by alertId
   * @param deadLetterKeys expected dead letter keys {@code <topic>-<partition>-<offset>}
   * @param consumed records in the topic
   * @param duplicates records the rule ignores as duplicates
   * @param users users with at least one accepted transaction, with the partition of each
   */
  record Expected(
      Map<String, FraudAlert> alerts,
      Set<String> deadLetterKeys,
      long consumed,
      long duplicates,
      Map<String, Integer> users) {}

  private FraudLog() {}

  /**
   * Transactions of 1000 users, a fifth of them acting out fraud patterns (the generator caps
   * pattern records at a quarter of the total), 2% late, 1% bad.
   */
  static GeneratorSettings generator(long transactions) {
    return new GeneratorSettings(
        0, transactions, 42, 1000, 100, 0.2, 0.02, 0.01, GeneratorSettings.DEFAULT_START_TS);
  }

  /** Produces the generator's transactions (keyed by userId), waiting for the acknowledgements. */
  static long produce(String bootstrap, String topic, GeneratorSettings settings) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    // Not idempotent: on a loaded machine a timed-out first batch left the broker answering
    // OutOfOrderSequence for minutes. One request in flight keeps the order; a retried batch may
    // duplicate records, which the expectations (read back from the topic) include.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    long count = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      Iterator<GeneratedRecord> txns = new Generator(settings).transactions();
      while (txns.hasNext()) {
        GeneratedRecord record = txns.next();
        producer.send(new ProducerRecord<>(topic, record.key(), record.value()));
        count++;
      }
      producer.flush();
    }
    return count;
  }

  static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(props);
  }

  /**
   * Every record of {@code topic} up to its current end (for {@code read_committed}: its last
   * stable offset), partition by partition in offset order.
   */
  static SortedMap<Integer, List<ConsumerRecord<byte[], byte[]>>> readAll(
      String bootstrap, String topic, String isolation) {
    SortedMap<Integer, List<ConsumerRecord<byte[], byte[]>>> byPartition = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, isolation)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      partitions.forEach(tp -> byPartition.put(tp.partition(), new ArrayList<>()));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("Could not read " + topic + " to its end " + ends);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(r -> byPartition.get(r.partition()).add(r));
      }
    }
    return byPartition;
  }

  /** Runs the pure rule over the topic as the pipeline must have: partition by partition. */
  static Expected expected(String bootstrap, String topic, FraudSettings settings) {
    Map<String, FraudAlert> alerts = new HashMap<>();
    Set<String> deadLetters = new HashSet<>();
    Map<String, FraudState> states = new HashMap<>();
    Map<String, Integer> users = new HashMap<>();
    long consumed = 0;
    long duplicates = 0;
    for (var partition : readAll(bootstrap, topic, "read_uncommitted").entrySet()) {
      for (ConsumerRecord<byte[], byte[]> record : partition.getValue()) {
        consumed++;
        String key = topic + "-" + record.partition() + "-" + record.offset();
        Decoded<Transaction> decoded = EventCodec.decodeTransaction(record.value());
        if (!(decoded instanceof Decoded.Valid<Transaction> valid)) {
          deadLetters.add(key);
          continue;
        }
        Transaction txn = valid.value();
        FraudState state = states.getOrDefault(txn.userId(), FraudState.empty());
        Decision decision = FraudRule.decide(state, txn, settings);
        if (decision instanceof Decision.Accepted accepted) {
          states.put(txn.userId(), state.apply(accepted.event()));
          users.put(txn.userId(), record.partition());
          for (FraudAlert alert : accepted.alerts()) {
            if (alerts.put(alert.alertId(), alert) != null) {
              throw new AssertionError("The rule repeated alert " + alert.alertId());
            }
          }
        } else if (decision instanceof Decision.Duplicate) {
          duplicates++;
        } else {
          deadLetters.add(key);
        }
      }
    }
    return new Expected(alerts, deadLetters, consumed, duplicates, users);
  }

  /** Every committed alert on the topic, in topic order (duplicates kept, to be caught). */
  static List<FraudAlert> committedAlerts(String bootstrap, String topic) {
    List<FraudAlert> alerts = new ArrayList<>();
    readAll(bootstrap, topic, "read_committed")
        .values()
        .forEach(records -> records.forEach(r -> alerts.add(FraudAlertJson.decode(r.value()))));
    return alerts;
  }

  /** The keys of every committed dead letter, duplicates kept. */
  /**
   * The alerts a {@code read_committed} consumer of {@code topic} sees, by alertId; fails if one is
   * seen more than once.
   */
  static Map<String, FraudAlert> committedAlertsOnce(String bootstrap, String topic) {
    Map<String, FraudAlert> byId = new HashMap<>();
    Set<String> repeated = new HashSet<>();
    for (FraudAlert alert : committedAlerts(bootstrap, topic)) {
      if (byId.put(alert.alertId(), alert) != null) {
        repeated.add(alert.alertId());
      }
    }
    assertEquals(Set.of(), repeated, "alerts seen more than once");
    return byId;
  }

  static List<String> committedDeadLetterKeys(String bootstrap, String topic) {
    List<String> keys = new ArrayList<>();
    readAll(bootstrap, topic, "read_committed")
        .values()
        .forEach(records -> records.forEach(r -> keys.add(new String(r.key()))));
    return keys;
  }

  /** The next offset committed by {@code group} for every partition of {@code topic}. */
  static SortedMap<Integer, Long> committedOffsets(String bootstrap, String group, String topic) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    SortedMap<Integer, Long> offsets = new TreeMap<>();
    try (Admin admin = Admin.create(props)) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      committed.forEach(
          (tp, om) -> {
            if (tp.topic().equals(topic) && om != null) {
              offsets.put(tp.partition(), om.offset());
            }
          });
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
    return offsets;
  }

  /** Members of consumer group {@code group} now; 0 while the group is unknown. */
  static int groupMembers(String bootstrap, String group) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size();
    } catch (ExecutionException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** The end offset of every partition of {@code topic}. */
  static SortedMap<Integer, Long> endOffsets(String bootstrap, String topic) {
    return ClickTopic.endOffsets(bootstrap, topic);
  }

  /** The {@code fraud_alerts} table as alerts (txnIds and rule are not stored: empty/null). */
  static Map<String, FraudAlert> table(String schema) {
    Map<String, FraudAlert> rows = new HashMap<>();
    try (Connection c =
            DriverManager.getConnection(PgSchema.url(), PgSchema.user(), PgSchema.password());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT alert_id, user_id, txn_id, txn_ts, countries, detected_at FROM "
                    + schema
                    + ".fraud_alerts")) {
      while (rs.next()) {
        Array countries = rs.getArray(5);
        rows.put(
            rs.getString(1),
            new FraudAlert(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getTimestamp(4).getTime(),
                Arrays.asList((String[]) countries.getArray()),
                List.of(),
                null,
                rs.getTimestamp(6).getTime()));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return rows;
  }

  /** Alerts reduced to what the table stores, by alertId. */
  static Map<String, FraudAlert> asTableRows(Map<String, FraudAlert> alerts) {
    Map<String, FraudAlert> rows = new HashMap<>();
    alerts.forEach(
        (id, a) ->
            rows.put(
                id,
                new FraudAlert(
                    a.alertId(),
                    a.userId(),
                    a.txnId(),
                    a.txnTs(),
                    a.countries(),
                    List.of(),
                    null,
                    a.detectedAt())));
    return rows;
  }

  /** The environment of a {@code tidemark run} process against the test's broker and schema. */
  static Map<String, String> serviceEnv(String bootstrap, String schema) {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("DB_URL", PgSchema.url());
    env.put("DB_USER", PgSchema.user());
    env.put("DB_PASSWORD", PgSchema.password());
    env.put("DB_SCHEMA", schema);
    env.put("HTTP_PORT", "0");
    env.put("FRAUD_SHARDS", "4");
    env.put("FRAUD_SESSION_TIMEOUT", "6s");
    env.put("STATUS_INTERVAL", "5s");
    return env;
  }

  static long sum(Map<Integer, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The highest sequence number of every entity's journal. */
  static Map<String, Long> journal(String schema) {
    Map<String, Long> seqNrs = new HashMap<>();
    try (Connection c =
            DriverManager.getConnection(PgSchema.url(), PgSchema.user(), PgSchema.password());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT persistence_id, max(sequence_number) FROM "
                    + schema
                    + ".event_journal GROUP BY persistence_id")) {
      while (rs.next()) {
        seqNrs.put(rs.getString(1), rs.getLong(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return seqNrs;
  }

  /** How many events lie below the newest snapshot of their entity (recovery skips them). */
  static long eventsBelowNewestSnapshot(String schema) {
    try (Connection c =
            DriverManager.getConnection(PgSchema.url(), PgSchema.user(), PgSchema.password());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM "
                    + schema
                    + ".event_journal e JOIN (SELECT persistence_id, max(sequence_number) AS n FROM "
                    + schema
                    + ".snapshot GROUP BY persistence_id) s ON s.persistence_id = e.persistence_id"
                    + " WHERE e.sequence_number < s.n")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The number of rows of a table of the schema. */
  static long rows(String schema, String table) {
    try (Connection c =
            DriverManager.getConnection(PgSchema.url(), PgSchema.user(), PgSchema.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + "." + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Drops a test schema. */
  static void dropSchema(String schema) {
    try (Connection c =
            DriverManager.getConnection(PgSchema.url(), PgSchema.user(), PgSchema.password());
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static String newSchema() {
    return "it_" + UUID.randomUUID().toString().replace("-", "");
  }
}
