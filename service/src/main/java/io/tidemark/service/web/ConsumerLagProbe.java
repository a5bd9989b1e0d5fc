package io.tidemark.service.web;

import io.tidemark.service.pipeline.PipelineMetrics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Asks Kafka for the end offsets of the partitions a pipeline consumes, for the consumer lag metric
 * (end offset minus the committed position). One question at a time; a failed one is skipped.
 */
final class ConsumerLagProbe {

  private final Admin admin;
  private final String topic;
  private final PipelineMetrics pipeline;
  private final PipelineMetricsBridge bridge;
  private final AtomicBoolean asking = new AtomicBoolean();

  ConsumerLagProbe(
      Admin admin, String topic, PipelineMetrics pipeline, PipelineMetricsBridge bridge) {
    this.admin = admin;
    this.topic = topic;
    this.pipeline = pipeline;
    this.bridge = bridge;
  }

  void probe() {
    var assigned = pipeline.assignedPartitions().keySet();
    if (assigned.isEmpty() || !asking.compareAndSet(false, true)) {
      return;
    }
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    assigned.forEach(p -> query.put(new TopicPartition(topic, p), OffsetSpec.latest()));
    admin
        .listOffsets(query)
        .all()
        .toCompletionStage()
        .whenComplete(
            (offsets, failure) -> {
              asking.set(false);
              if (failure == null) {
                Map<Integer, Long> ends = new HashMap<>();
                offsets.forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
                bridge.consumerLags(ends);
              }
            });
  }
}
