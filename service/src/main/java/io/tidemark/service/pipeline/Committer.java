package io.tidemark.service.pipeline;

import io.tidemark.persistence.serving.CommitOutcome;
import io.tidemark.persistence.serving.ServingBatch;
import io.tidemark.persistence.serving.ServingRepository;
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
 * with exponential backoff (deadlocks, lost connections, a database that is down for a while): a
 * failed transaction changed nothing, and the stream backpressures while it waits. Dead letters are
 * flushed before each transaction, so committed offsets never cover an unwritten dead letter.
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
    deadLetters.flush();
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

    RetriableCommitException(Exception cause) {
      super(cause);
    }
  }
}
