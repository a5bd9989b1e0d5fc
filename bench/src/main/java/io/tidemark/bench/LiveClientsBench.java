package io.tidemark.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tidemark.service.generate.Generator;
import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.service.generate.KafkaGenerate;
import io.tidemark.service.infra.EmbeddedKafka;
import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.service.run.ServiceRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * End-to-end driver for the live feed's cost: the service drains the same pre-produced clicks topic
 * (embedded Kafka, 4 partitions, PostgreSQL at 127.0.0.1:5432 database {@code test}, a fresh schema
 * and consumer group per run) with no WebSocket client, then with 200 clients reading {@code
 * /ws/live}, alternating; events/s is clicks over the time to the last commit.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.tidemark.bench.LiveClientsBench [clicks]
 * [rounds]}
 */
public final class LiveClientsBench {

  private static final int CLIENTS = 200;

  private LiveClientsBench() {}

  public static void main(String[] args) throws Exception {
    long clicks = args.length > 0 ? Long.parseLong(args[0]) : 300_000L;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics(Map.of("clicks", 4, "transactions", 4, "dead-letters", 4));
      new KafkaGenerate(kafka.bootstrapServers(), "clicks", "transactions")
          .produce(new Generator(GeneratorSettings.defaults().withCounts(clicks, 1)), 0);
      SortedMap<Integer, Long> ends = endOffsets(kafka.bootstrapServers());
      System.out.printf("data: %,d clicks on 4 partitions, ends %s%n", clicks, ends);
      drain(kafka, ends, 0); // warm-up
      for (int round = 1; round <= rounds; round++) {
        double alone = clicks / drain(kafka, ends, 0);
        double watched = clicks / drain(kafka, ends, CLIENTS);
        System.out.printf(
            "round %d: no clients %,.0f events/s, %d clients %,.0f events/s, ratio %.3f%n",
            round, alone, CLIENTS, watched, watched / alone);
      }
    }
    System.exit(0);
  }

  /** Runs the service until it has committed every offset; answers the seconds it took. */
  private static double drain(EmbeddedKafka kafka, SortedMap<Integer, Long> ends, int clients)
      throws Exception {
    String schema = "bench_" + UUID.randomUUID().toString().replace("-", "");
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("tidemark.kafka.bootstrap-servers", kafka.bootstrapServers());
    overrides.put("tidemark.kafka.group-id", schema);
    overrides.put("tidemark.db.url", "jdbc:postgresql://127.0.0.1:5432/test");
    overrides.put("tidemark.db.user", "postgres");
    overrides.put("tidemark.db.password", "");
    overrides.put("tidemark.db.schema", schema);
    overrides.put("tidemark.http.port", 0);
    overrides.put("tidemark.http.interface", "127.0.0.1");
    Config config = ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load()).resolve();
    long start = System.nanoTime();
    ServiceRuntime runtime = ServiceRuntime.start(config, LiveUpdates.NONE);
    List<WebSocket> sockets = new ArrayList<>();
    AtomicLong received = new AtomicLong();
    HttpClient http = HttpClient.newHttpClient();
    URI live = URI.create("ws://127.0.0.1:" + runtime.httpAddress().getPort() + "/ws/live");
    for (int i = 0; i < clients; i++) {
      sockets.add(http.newWebSocketBuilder().buildAsync(live, counting(received)).get());
    }
    while (!runtime.metrics().committedOffsets().equals(ends)) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long open = runtime.http().metrics().webSocketClients().value();
    sockets.forEach(WebSocket::abort);
    runtime.stop().toCompletableFuture().get();
    try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    }
    if (clients > 0) {
      System.out.printf(
          "  %d clients: %,d messages received, %d still open at the end%n",
          clients, received.get(), open);
    }
    return seconds;
  }

  private static WebSocket.Listener counting(AtomicLong received) {
    return new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        received.incrementAndGet();
        webSocket.request(1);
        return null;
      }
    };
  }

  private static SortedMap<Integer, Long> endOffsets(String bootstrap) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < 4; p++) {
        partitions.add(new TopicPartition("clicks", p));
      }
      SortedMap<Integer, Long> ends = new TreeMap<>();
      consumer.endOffsets(partitions).forEach((tp, end) -> ends.put(tp.partition(), end));
      return ends;
    }
  }
}
