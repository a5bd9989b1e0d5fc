package io.tidemark.service.pipeline;

import io.tidemark.persistence.serving.CommitOutcome;
import io.tidemark.persistence.serving.ServingBatch;
import io.tidemark.persistence.serving.ServingRepository;
import io.tidemark.persistence.serving.StorageFailures;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs serving-layer commits on the blocking executor, retrying a failed transaction as a whole
 * with exponential backoff when the failure can heal ({@link StorageFailures#canHeal}: deadlocks,
 * serialization failures, lost connections, a database that is down or restarting for a while): a
 * failed transaction changed nothing, and the stream backpressures while it waits. A failure that
 * cannot heal (a constraint, a column that cannot hold a value, a missing table or permission)
 * would fail the same way forever: the commit fails at once with a {@link CommitRejectedException}
 * naming the partition, the offsets and the SQLSTATE, and the pipeline stops visibly instead of
 * retrying silently. Dead letters are flushed before each transaction, so committed offsets never
 * cover an unwritten dead letter.
 */
final class Committer {

  private static final Logger log = LoggerFactory.getLogger(Committer.class);

  private final ServingRepository repository;
  private final DeadLetterProducer deadLetters;
  private final Executor blocking;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final PipelineMetrics metrics;
  private final BooleanSupplier stopping;

  Committer(
      ServingRepository repository,
      DeadLetterProducer deadLetters,
      Executor blocking,
      Duration minBackoff,
      Duration maxBackoff,
      PipelineMetrics metrics,
      BooleanSupplier stopping) {
    this.repository = repository;
    this.deadLetters = deadLetters;
    this.blocking = blocking;
    this.minBackoff = minBackoff;
    this.maxBackoff = maxBackoff;
    this.metrics = metrics;
    this.stopping = stopping;
  }

  /** Commits the batch, retrying until it is stored, found stored, or fenced. */
  CompletionStage<CommitOutcome> commit(ServingBatch batch) {
    return attempt(batch, 0);
  }

  private CompletionStage<CommitOutcome> attempt(ServingBatch batch, int failures) {
    return CompletableFuture.supplyAsync(() -> commitOnce(batch), blocking)
        .handle(
            (outcome, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(outcome);
              }
              Throwable cause = error.getCause() != null ? error.getCause() : error;
              if (cause instanceof RetriableCommitException retriable
                  && !StorageFailures.canHeal(retriable.getCause())) {
                metrics.rejected();
                return CompletableFuture.<CommitOutcome>failedFuture(
                    new CommitRejectedException(batch, retriable.getCause()));
              }
              if (!(cause instanceof RetriableCommitException) || stopping.getAsBoolean()) {
                return CompletableFuture.<CommitOutcome>failedFuture(cause);
              }
              long delay = backoffMillis(failures);
              log.warn(
                  "Commit of partition {} up to offset {} failed ({}); retry {} in {} ms",
                  batch.partition(),
                  batch.nextOffset(),
                  cause.getCause() == null ? cause : cause.getCause().toString(),
                  failures + 1,
                  delay);
              metrics.retried();
              Executor later =
                  CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, blocking);
              return CompletableFuture.supplyAsync(() -> batch, later)
                  .thenCompose(b -> attempt(b, failures + 1));
            })
        .thenCompose(stage -> stage);
  }

  private CommitOutcome commitOnce(ServingBatch batch) {
    // A dead letter that could not be written fails the stream (not retried here): the restarted
    // partition consumes its records again and sends them anew.
    deadLetters.flush(batch.partition());
    try {
      return repository.commit(batch);
    } catch (SQLException e) {
      throw new RetriableCommitException(e);
    }
  }

  private long backoffMillis(int failures) {
    long min = Math.max(1, minBackoff.toMillis());
    long delay = min << Math.min(failures, 16);
    return Math.min(delay, maxBackoff.toMillis());
  }

  /** A commit failed in a way that leaves nothing behind: it may be tried again. */
  static final class RetriableCommitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RetriableCommitException(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }

  /**
   * The database refused a commit for a reason that trying again cannot change. The records of the
   * batch are valid input (the decoder turns whatever no column can hold into dead letters), so
   * this is a defect of the database or of its schema, not of a record: the pipeline stops and says
   * so.
   */
  static final class CommitRejectedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    CommitRejectedException(ServingBatch batch, SQLException cause) {
      super(
          "The database rejected the commit of "
              + batch.topic()
              + "-"
              + batch.partition()
              + " up to offset "
              + batch.nextOffset()
              + " (SQLSTATE "
              + StorageFailures.state(cause)
              + ", cannot heal by retrying): "
              + shortened(String.valueOf(cause.getMessage())),
          cause);
    }

    /** The driver's message quotes whole statements and values: keep the start of it. */
    private static String shortened(String message) {
      return message.length() <= 300 ? message : message.substring(0, 300) + "...";
    }
  }
}
