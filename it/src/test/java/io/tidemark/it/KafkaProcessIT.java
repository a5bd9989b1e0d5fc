package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker as a process of its own survives {@code kill -9} with its data. */
class KafkaProcessIT {

  private static final Duration STARTUP = Duration.ofSeconds(90);
  private static final Duration READ = Duration.ofSeconds(30);

  @TempDir Path work;

  @Test
  void restartedBrokerServesRecordsWrittenBeforeKill() throws Exception {
    int port = freePort();
    Path dataDir = work.resolve("kafka-data");
    List<String> before = IntStream.range(0, 100).mapToObj(i -> "before-" + i).toList();

    try (KafkaProcess broker =
        KafkaProcess.start(port, dataDir, work.resolve("kafka-1.log"), STARTUP)) {
      createTopic(broker.bootstrapServers(), "durable", 4);
      produce(broker.bootstrapServers(), "durable", before);
      broker.kill(Duration.ofSeconds(30));
      assertFalse(broker.isAlive());
    }

    try (KafkaProcess broker =
        KafkaProcess.start(port, dataDir, work.resolve("kafka-2.log"), STARTUP)) {
      assertEquals("127.0.0.1:" + port, broker.bootstrapServers());
      produce(broker.bootstrapServers(), "durable", List.of("after-0"));
      List<String> expected = new ArrayList<>(before);
      expected.add("after-0");
      List<String> read =
          KafkaRecords.values(
              KafkaRecords.readUntil(
                  broker.bootstrapServers(),
                  "durable",
                  "read_committed",
                  READ,
                  r -> r.size() >= expected.size()));
      assertEquals(expected.size(), read.size());
      assertEquals(Set.copyOf(expected), Set.copyOf(read));
    }
  }

  private static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  private static void produce(String bootstrap, String topic, List<String> values)
      throws Exception {
    try (KafkaProducer<String, String> producer = KafkaRecords.producer(bootstrap, Map.of())) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, value, value)).get();
      }
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
