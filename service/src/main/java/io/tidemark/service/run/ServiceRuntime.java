package io.tidemark.service.run;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.service.cli.Progress;
import io.tidemark.service.fraud.AlertFeed;
import io.tidemark.service.fraud.AlertListener;
import io.tidemark.service.fraud.FraudPipeline;
import io.tidemark.service.fraud.FraudPipelineSettings;
import io.tidemark.service.pipeline.ClickstreamPipeline;
import io.tidemark.service.pipeline.ConsumptionGate;
import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.service.pipeline.PipelineMetrics;
import io.tidemark.service.pipeline.PipelineSettings;
import io.tidemark.service.web.ServiceHttp;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running service: actor system, database pool (schema migrated), the clickstream pipeline, the
 * fraud pipeline with the feed of committed alerts, and the HTTP server. Stops through Pekko's
 * coordinated shutdown (also on SIGTERM): the pipeline stops between commits, then the pool closes.
 */
public final class ServiceRuntime {

  private static final Logger log = LoggerFactory.getLogger(ServiceRuntime.class);

  private final ActorSystem<Void> system;
  private final PipelineSettings pipelineSettings;
  private final HikariDataSource dataSource;
  private final ClickstreamPipeline pipeline;
  private final ServiceHttp http;
  private final ServerBinding binding;
  private FraudPipeline fraud;
  private AlertFeed alertFeed;
  private long lastConsumed;
  private long lastNanos = System.nanoTime();

  private ServiceRuntime(
      ActorSystem<Void> system,
      PipelineSettings pipelineSettings,
      HikariDataSource dataSource,
      ClickstreamPipeline pipeline,
      ServiceHttp http,
      ServerBinding binding) {
    this.system = system;
    this.pipelineSettings = pipelineSettings;
    this.dataSource = dataSource;
    this.pipeline = pipeline;
    this.http = http;
    this.binding = binding;
  }

  /**
   * Starts everything from the given configuration.
   *
   * @param live also receives the pipeline's window results (besides the live feed)
   */
  public static ServiceRuntime start(Config config, LiveUpdates live) {
    return start(config, live, AlertListener.NONE);
  }

  /**
   * Starts everything from the given configuration.
   *
   * @param live also receives the pipeline's window results (besides the live feed)
   * @param alerts also receives every alert committed to {@code fraud-alerts} after the start, by
   *     any node of the cluster, once (besides the live feed and the committed-alerts counter)
   */
  public static ServiceRuntime start(Config config, LiveUpdates live, AlertListener alerts) {
    PipelineSettings pipelineSettings = PipelineSettings.create(config);
    DatabaseSettings db = DatabaseSettings.create(config);
    log.info("Database {}", db);
    HikariDataSource dataSource = db.openMigrated("tidemark-serving");
    HikariDataSource queries = db.openQueries("tidemark-queries");
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "tidemark", config);
    ConsumptionGate gate = new ConsumptionGate();
    ServiceHttp http = ServiceHttp.create(system, config, dataSource, queries, gate);
    ClickstreamPipeline pipeline =
        ClickstreamPipeline.start(
            system, pipelineSettings, dataSource, both(http.liveUpdates(), live), gate);
    http.observe(pipeline.metrics(), pipelineSettings.clicksTopic());
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceStop(), "stop-clickstream-pipeline", pipeline::stop);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "close-database-pool",
        () -> {
          queries.close();
          dataSource.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    ServerBinding binding = http.bind();
    log.info(
        "Clickstream pipeline '{}' consuming {} from {} as group {}; HTTP on {}",
        pipelineSettings.name(),
        pipelineSettings.clicksTopic(),
        pipelineSettings.bootstrapServers(),
        pipelineSettings.groupId(),
        binding.localAddress());
    ServiceRuntime runtime =
        new ServiceRuntime(system, pipelineSettings, dataSource, pipeline, http, binding);
    // committed alerts (of every node) go to the live feed and the counter; the feed finds the
    // end of fraud-alerts before the pipeline starts, so that it misses none of this node's
    AlertListener toLiveFeed = http.alertListener();
    AlertListener listeners =
        alerts == AlertListener.NONE
            ? toLiveFeed
            : alert -> {
              toLiveFeed.onAlert(alert);
              alerts.onAlert(alert);
            };
    FraudPipelineSettings fraudSettings = FraudPipelineSettings.create(config);
    runtime.alertFeed = AlertFeed.start(system, fraudSettings, listeners);
    runtime.fraud = FraudPipeline.start(system, fraudSettings, db, http.fraudRules().current());
    http.observeFraud(runtime.fraud, runtime.alertFeed);
    // the API asks the entities
    http.lookUpFraudStatesWith(runtime.fraud::state);
    return runtime;
  }

  private static LiveUpdates both(LiveUpdates feed, LiveUpdates other) {
    if (other == LiveUpdates.NONE) {
      return feed;
    }
    return (partition, result) -> {
      feed.accept(partition, result);
      other.accept(partition, result);
    };
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public PipelineSettings pipelineSettings() {
    return pipelineSettings;
  }

  public HikariDataSource dataSource() {
    return dataSource;
  }

  /** The fraud pipeline: its metrics and the users' fraud state ({@code state(userId)}). */
  public FraudPipeline fraud() {
    return fraud;
  }

  /** The committed alerts of the whole cluster, as this node reads them. */
  public AlertFeed alertFeed() {
    return alertFeed;
  }

  public PipelineMetrics metrics() {
    return pipeline.metrics();
  }

  /** The HTTP side: service metrics, live hub, readiness, fraud rule store. */
  public ServiceHttp http() {
    return http;
  }

  /** The address the HTTP server listens on. */
  public InetSocketAddress httpAddress() {
    return binding.localAddress();
  }

  /** Runs coordinated shutdown; completes when the actor system has terminated. */
  public CompletionStage<Done> stop() {
    return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
  }

  /** Completes when the actor system has terminated. */
  public CompletionStage<Done> terminated() {
    return system.getWhenTerminated().thenApply(t -> Done.getInstance());
  }

  /** One status line: throughput since the previous line, commits, offsets, partitions. */
  public synchronized String statusLine() {
    PipelineMetrics m = pipeline.metrics();
    long now = System.nanoTime();
    long consumed = m.consumed();
    String rate = Progress.rate(consumed - lastConsumed, now - lastNanos);
    lastConsumed = consumed;
    lastNanos = now;
    long deadLetters = m.deadLetters().values().stream().mapToLong(Long::longValue).sum();
    return "pipeline: consumed "
        + Progress.count(consumed)
        + " ("
        + rate
        + "/s), dead letters "
        + Progress.count(deadLetters)
        + ", commits "
        + Progress.count(m.commits())
        + ", rows written "
        + Progress.count(m.rows())
        + (m.retries() > 0 ? ", retries " + m.retries() : "")
        + ", partitions "
        + m.assignedPartitions().keySet()
        + ", committed offsets "
        + m.committedOffsets();
  }
}
