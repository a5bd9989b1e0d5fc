package io.tidemark.it;

import io.tidemark.service.generate.GeneratedRecord;
import io.tidemark.service.generate.Generator;
import io.tidemark.service.generate.GeneratorSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Generated clicks on a topic, its end offsets, and what the dead-letters topic holds. */
final class ClickTopic {

  private ClickTopic() {}

  /** Produces the generator's clicks (keyed by userId) and waits for every acknowledgement. */
  static long produce(String bootstrap, String topic, GeneratorSettings settings) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    long count = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      Iterator<GeneratedRecord> clicks = new Generator(settings).clicks();
      while (clicks.hasNext()) {
        GeneratedRecord record = clicks.next();
        producer.send(new ProducerRecord<>(topic, record.key(), record.value()));
        count++;
      }
      producer.flush();
    }
    return count;
  }

  static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(props);
  }

  /** The end offset of every partition of the topic. */
  static SortedMap<Integer, Long> endOffsets(String bootstrap, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(PartitionInfo::partition)
              .map(p -> new TopicPartition(topic, p))
              .toList();
      SortedMap<Integer, Long> ends = new TreeMap<>();
      consumer
          .endOffsets(partitions, Duration.ofSeconds(30))
          .forEach((tp, offset) -> ends.put(tp.partition(), offset));
      return ends;
    }
  }

  /** The distinct keys of the dead-letters topic, read to its current end. */
  static Set<String> deadLetterKeys(String bootstrap, String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    SortedMap<Integer, Long> ends = endOffsets(bootstrap, topic);
    long total = ends.values().stream().mapToLong(Long::longValue).sum();
    List<ConsumerRecord<String, String>> read = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (read.size() < total && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(read::add);
      }
    }
    Set<String> keys = new HashSet<>();
    read.forEach(r -> keys.add(r.key()));
    return keys;
  }
}
