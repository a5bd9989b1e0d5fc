package io.tidemark.service.fraud;

import io.tidemark.persistence.fraud.JournalCleanup;
import io.tidemark.persistence.fraud.JournalCleanupSettings;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link JournalCleanup} of the fraud entities' events every {@code interval} on the
 * blocking dispatcher, one run at a time (fixed delay), on each node that runs the {@code
 * fraud_alerts} projection: the runs are idempotent and a database lock keeps a second node from
 * deleting at the same time, so no node has to be singled out. Stops with coordinated shutdown.
 */
final class JournalCleanupSchedule {

  private static final Logger log = LoggerFactory.getLogger(JournalCleanupSchedule.class);

  private JournalCleanupSchedule() {}

  /** Schedules the cleanup over {@code dataSource} (the projection's pool) if it is enabled. */
  static void start(ActorSystem<?> system, DataSource dataSource, JournalCleanupSettings settings) {
    if (!settings.enabled()) {
      return;
    }
    JournalCleanup cleanup = new JournalCleanup(dataSource, settings.batchSize());
    Cancellable runs =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                settings.interval(),
                settings.interval(),
                () -> run(cleanup),
                system.dispatchers().lookup(DispatcherSelector.blocking()));
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "stop-fraud-journal-cleanup",
            () -> {
              runs.cancel();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    log.info("Fraud journal cleanup every {} ms", settings.interval().toMillis());
  }

  private static void run(JournalCleanup cleanup) {
    long start = System.nanoTime();
    try {
      long deleted = cleanup.run();
      long millis = (System.nanoTime() - start) / 1_000_000;
      if (deleted > 0) {
        log.info("Fraud journal cleanup deleted {} projected events in {} ms", deleted, millis);
      } else {
        log.debug("Fraud journal cleanup found nothing to delete ({} ms)", millis);
      }
    } catch (Exception e) {
      // The next run tries again; what earlier batches deleted stays deleted.
      log.warn("Fraud journal cleanup failed: {}", e.toString());
    }
  }
}
