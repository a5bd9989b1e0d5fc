package io.tidemark.service.web;

import io.tidemark.http.health.ReadinessCheck;
import io.tidemark.service.pipeline.PipelineMetrics;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The service's readiness checks (SPEC §6.2 {@code /health/ready}): Kafka answers a cluster
 * description, the database a {@code SELECT 1}, the clickstream pipeline has not stopped on a
 * failure, and this node is an Up member when it runs in a Pekko Cluster (a node without a cluster
 * passes).
 */
public final class ReadinessChecks {

  private ReadinessChecks() {}

  /** Kafka is reachable: the cluster has at least one broker. */
  public static ReadinessCheck kafka(Admin admin, Duration timeout) {
    return ReadinessCheck.of(
        "kafka",
        () ->
            admin
                .describeCluster(
                    new DescribeClusterOptions().timeoutMs((int) Math.max(1, timeout.toMillis())))
                .nodes()
                .toCompletionStage()
                .thenApply(nodes -> !nodes.isEmpty()));
  }

  /** The database answers {@code SELECT 1}, run on {@code blocking}. */
  public static ReadinessCheck database(DataSource dataSource, Executor blocking) {
    return ReadinessCheck.of(
        "database", () -> CompletableFuture.supplyAsync(() -> selectOne(dataSource), blocking));
  }

  /**
   * The clickstream pipeline of {@code topic} runs: it has not stopped on a failure it cannot
   * recover from (a commit the database refuses for good), named {@code pipeline-<topic>}.
   */
  public static ReadinessCheck pipeline(String topic, PipelineMetrics metrics) {
    return ReadinessCheck.of(
        "pipeline-" + topic, () -> CompletableFuture.completedFuture(metrics.failure().isEmpty()));
  }

  /** This node is an Up cluster member, or the actor system is not clustered. */
  public static ReadinessCheck cluster(ActorSystem<?> system) {
    boolean clustered =
        "cluster".equals(system.settings().config().getString("pekko.actor.provider"));
    return ReadinessCheck.of(
        "cluster",
        () ->
            CompletableFuture.completedFuture(
                !clustered || Cluster.get(system).selfMember().status().equals(MemberStatus.up())));
  }

  private static boolean selectOne(DataSource dataSource) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      return rs.next() && rs.getInt(1) == 1;
    } catch (SQLException e) {
      return false;
    }
  }
}
