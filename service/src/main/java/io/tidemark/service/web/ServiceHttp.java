package io.tidemark.service.web;

import com.typesafe.config.Config;
import io.tidemark.http.HttpServer;
import io.tidemark.http.HttpSettings;
import io.tidemark.http.TidemarkRoutes;
import io.tidemark.http.admin.AdminRoutes;
import io.tidemark.http.dashboard.DashboardRoutes;
import io.tidemark.http.health.HealthRoutes;
import io.tidemark.http.health.Readiness;
import io.tidemark.http.live.LiveMessage;
import io.tidemark.http.live.LiveRoutes;
import io.tidemark.http.live.LiveStats;
import io.tidemark.http.live.LocalLiveHub;
import io.tidemark.http.metrics.MetricsRoutes;
import io.tidemark.http.metrics.TidemarkMetrics;
import io.tidemark.http.query.FraudStateLookup;
import io.tidemark.http.query.QueryRoutes;
import io.tidemark.persistence.fraud.CurrentFraudRule;
import io.tidemark.persistence.fraud.FraudRuleSync;
import io.tidemark.persistence.fraud.FraudSettings;
import io.tidemark.persistence.fraud.JdbcFraudRuleStore;
import io.tidemark.persistence.fraud.UserFraud;
import io.tidemark.persistence.query.JdbcQueryRepository;
import io.tidemark.service.fraud.AlertFeed;
import io.tidemark.service.fraud.AlertListener;
import io.tidemark.service.fraud.FraudPipeline;
import io.tidemark.service.pipeline.ConsumptionGate;
import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.service.pipeline.PipelineMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.Materializer;

/**
 * The HTTP side of a running service (SPEC §6.2): metrics fed from the pipelines, the live feed
 * (window results and throughput of every cluster node), readiness of Kafka, the database and the
 * cluster, the query API on the blocking dispatcher, the admin API, and the server that serves them
 * all. Created before the pipelines (they publish to {@link #liveUpdates()}), told about them
 * ({@link #observe}), then bound; everything stops with coordinated shutdown.
 */
public final class ServiceHttp {

  /** The live feed's pacing of window messages (service http.conf). */
  static final String LIVE_WINDOWS = "tidemark.http.live-windows";

  /** The live feed's windows in {@code tidemark_buffer_bytes} and {@code _keys}. */
  static final String LIVE_FEED_BUFFER = "live-windows";

  /** How often the pipeline counters are copied into the metrics. */
  static final Duration SYNC_INTERVAL = Duration.ofMillis(250);

  /** How often the fraud entities on this node are counted. */
  static final Duration ENTITY_INTERVAL = Duration.ofSeconds(2);

  private final ActorSystem<?> system;
  private final HttpSettings settings;
  private final TidemarkMetrics metrics = new TidemarkMetrics();
  private final LocalLiveHub hub;
  private final ClusterLiveFeed live;
  private final long liveMaxBytes;
  private long liveDropped;
  private final Readiness readiness;
  private final Admin kafka;
  private final Executor blocking;
  private final FraudRuleSync fraudRules;
  private final TidemarkRoutes routes;
  private final AtomicReference<Function<String, CompletionStage<UserFraud.StateView>>>
      fraudStates = new AtomicReference<>();

  private ServiceHttp(
      ActorSystem<?> system,
      Config config,
      DataSource db,
      DataSource queries,
      ConsumptionGate gate) {
    this.system = system;
    this.settings = HttpSettings.create(config);
    this.blocking =
        system
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(HttpSettings.BLOCKING_DISPATCHER));
    this.hub =
        LocalLiveHub.start(
            Materializer.matFromSystem(system),
            settings.webSocket().publishBuffer(),
            metrics.liveMessagesDropped());
    this.liveMaxBytes = config.getBytes(LIVE_WINDOWS + ".max-bytes");
    this.live =
        ClusterLiveFeed.start(
            system,
            hub,
            new LiveStats(metrics, Clock.systemUTC()),
            config.getInt(LIVE_WINDOWS + ".max-per-interval"),
            liveMaxBytes,
            config.getDuration(LIVE_WINDOWS + ".interval"),
            settings.webSocket().statsInterval());
    this.kafka =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.getString("tidemark.kafka.bootstrap-servers"),
                AdminClientConfig.CLIENT_ID_CONFIG,
                "tidemark-http"));
    this.readiness = new Readiness(settings.readinessTimeout());
    readiness.register(ReadinessChecks.kafka(kafka, settings.readinessTimeout()));
    readiness.register(ReadinessChecks.database(db, blocking));
    readiness.register(ReadinessChecks.cluster(system));
    this.fraudRules =
        FraudRuleSync.start(
            system,
            new JdbcFraudRuleStore(db, blocking),
            CurrentFraudRule.startingWith(FraudSettings.create(config)),
            FraudRuleSync.refreshInterval(config));
    this.routes =
        new TidemarkRoutes(
            new HealthRoutes(readiness),
            new QueryRoutes(
                new JdbcQueryRepository(queries, blocking),
                (FraudStateLookup<UserFraud.StateView>) this::fraudState,
                settings.maxRange(),
                settings.maxAlerts()),
            new MetricsRoutes(metrics.registry()),
            new AdminRoutes(new ServiceAdmin(fraudRules, gate), settings.adminToken()),
            new LiveRoutes(hub, settings.webSocket(), metrics),
            new DashboardRoutes());
  }

  /**
   * Prepares the HTTP side: live hub and statistics started, readiness checks registered, fraud
   * rule read from the database (the stored rule wins over the configured one) and kept in step
   * with the other nodes. Nothing listens until {@link #bind()}. The query API reads through {@code
   * queries}, a pool apart from the writer's {@code dataSource}.
   */
  public static ServiceHttp create(
      ActorSystem<?> system,
      Config config,
      DataSource dataSource,
      DataSource queries,
      ConsumptionGate gate) {
    ServiceHttp http = new ServiceHttp(system, config, dataSource, queries, gate);
    http.startBackground();
    return http;
  }

  private void startBackground() {
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "stop-http-side",
            () -> {
              live.stop();
              hub.close();
              return CompletableFuture.runAsync(() -> kafka.close(Duration.ofSeconds(2)))
                  .thenApply(v -> Done.getInstance());
            });
  }

  /**
   * Answers {@code /api/users/{userId}/fraud-state} from the user's entity once the fraud pipeline
   * runs (before that, and for a user never seen, the answer is "not found").
   */
  public void lookUpFraudStatesWith(Function<String, CompletionStage<UserFraud.StateView>> states) {
    fraudStates.set(states);
  }

  private CompletionStage<Optional<UserFraud.StateView>> fraudState(String userId) {
    Function<String, CompletionStage<UserFraud.StateView>> states = fraudStates.get();
    if (states == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return states
        .apply(userId)
        .thenApply(view -> view.retained().isEmpty() ? Optional.empty() : Optional.of(view));
  }

  /**
   * Where the alert feed sends committed alerts: the committed-alerts counter ({@code
   * tidemark_fraud_alerts_committed_total}) and the live feed.
   */
  public AlertListener alertListener() {
    return alert -> {
      metrics.alertsCommitted().inc();
      hub.publish(LiveMessage.alert(alert));
    };
  }

  /**
   * Feeds the metrics from the fraud pipeline and the alert feed: their counters every {@link
   * #SYNC_INTERVAL}, the number of fraud entities on this node every {@link #ENTITY_INTERVAL} (a
   * query of the local shard region).
   */
  public void observeFraud(FraudPipeline fraud, AlertFeed feed) {
    FraudMetricsBridge bridge =
        new FraudMetricsBridge(
            fraud.metrics(), feed::restartCount, metrics, fraud.transactionsTopic());
    var classic = system.classicSystem();
    var sync =
        classic
            .scheduler()
            .scheduleAtFixedRate(SYNC_INTERVAL, SYNC_INTERVAL, bridge::sync, classic.dispatcher());
    Runnable countEntities =
        () ->
            fraud
                .activeEntities(ENTITY_INTERVAL)
                // no answer (region starting or busy): the previous count stands
                .thenAccept(bridge::activeEntities);
    var entities =
        classic
            .scheduler()
            .scheduleAtFixedRate(
                ENTITY_INTERVAL, ENTITY_INTERVAL, countEntities, classic.dispatcher());
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "stop-metrics-fraud",
            () -> {
              sync.cancel();
              entities.cancel();
              bridge.sync();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
  }

  /**
   * Where this node's pipelines send window results for the live feed: they reach the clients of
   * every node, combined with the other nodes' partitions.
   */
  public LiveUpdates liveUpdates() {
    return live.liveUpdates();
  }

  /** The live feed's cluster side: window results and statistics of every node. */
  public ClusterLiveFeed liveFeed() {
    return live;
  }

  /**
   * Feeds the metrics from a clickstream pipeline consuming {@code topic}: its counters every
   * {@link #SYNC_INTERVAL}, its partitions' consumer lag every second; readiness fails once it has
   * stopped on a failure.
   */
  public void observe(PipelineMetrics pipeline, String topic) {
    PipelineMetricsBridge bridge = new PipelineMetricsBridge(pipeline, metrics, topic);
    readiness.register(ReadinessChecks.pipeline(topic, pipeline));
    ConsumerLagProbe lag = new ConsumerLagProbe(kafka, topic, pipeline, bridge);
    var classic = system.classicSystem();
    var sync =
        classic
            .scheduler()
            .scheduleAtFixedRate(
                SYNC_INTERVAL,
                SYNC_INTERVAL,
                () -> {
                  bridge.sync();
                  syncLiveFeed();
                },
                classic.dispatcher());
    var probe =
        classic
            .scheduler()
            .scheduleAtFixedRate(
                Duration.ofSeconds(1), Duration.ofSeconds(1), lag::probe, classic.dispatcher());
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "stop-metrics-" + topic,
            () -> {
              sync.cancel();
              probe.cancel();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
  }

  private void syncLiveFeed() {
    metrics.bufferBytes(LIVE_FEED_BUFFER).set(live.windows().bytes());
    metrics.bufferKeys(LIVE_FEED_BUFFER).set(live.windows().tracked());
    metrics.bufferLimitBytes(LIVE_FEED_BUFFER).set(liveMaxBytes);
    long dropped = live.droppedUpdates();
    metrics.liveMessagesDropped().inc(Math.max(0, dropped - liveDropped));
    liveDropped = Math.max(liveDropped, dropped);
  }

  /** Binds the server (blocking until bound); it unbinds on coordinated shutdown. */
  public ServerBinding bind() {
    return HttpServer.start(system, settings, routes.routes()).toCompletableFuture().join();
  }

  public TidemarkMetrics metrics() {
    return metrics;
  }

  public LocalLiveHub hub() {
    return hub;
  }

  public Readiness readiness() {
    return readiness;
  }

  /**
   * The fraud rule in force on this node, as the admin API changes it; the fraud entities read its
   * {@link FraudRuleSync#current()}.
   */
  public FraudRuleSync fraudRules() {
    return fraudRules;
  }

  public HttpSettings settings() {
    return settings;
  }
}
