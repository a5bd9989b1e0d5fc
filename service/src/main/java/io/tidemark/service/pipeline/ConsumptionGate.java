package io.tidemark.service.pipeline;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * Pauses and resumes consumption of the input topics (the admin API's {@code POST /admin/pause}).
 * Each partition's records (in batches) pass through {@link #flow()}: while the gate is closed the
 * next batch waits at the gate, so the stages before it stop pulling and, once the bounded buffers
 * before the gate are full, the Kafka consumer stops fetching the partition (backpressure); nothing
 * is dropped, and windows, commits and idle ticks downstream go on. One gate may be shared by
 * several pipelines.
 */
public final class ConsumptionGate {

  private static final CompletableFuture<Done> OPEN =
      CompletableFuture.completedFuture(Done.done());

  private CompletableFuture<Done> opened = OPEN;

  /** Closes the gate; answers true (consumption is paused). */
  public synchronized boolean pause() {
    if (opened.isDone()) {
      opened = new CompletableFuture<>();
    }
    return true;
  }

  /** Opens the gate, letting waiting records through; answers false (consumption not paused). */
  public boolean resume() {
    CompletableFuture<Done> waiting;
    synchronized (this) {
      waiting = opened;
      opened = OPEN;
    }
    waiting.complete(Done.done());
    return false;
  }

  /** Whether consumption is paused now. */
  public synchronized boolean isPaused() {
    return !opened.isDone();
  }

  /** Completes when the gate is open. */
  public synchronized CompletionStage<Done> whenOpen() {
    return opened;
  }

  /** Passes elements in order, each once the gate is open. */
  public <T> Flow<T, T, NotUsed> flow() {
    return Flow.<T>create()
        .mapAsync(1, element -> whenOpen().thenApply(open -> element))
        .named("consumption-gate");
  }
}
