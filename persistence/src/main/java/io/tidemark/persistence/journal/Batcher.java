package io.tidemark.persistence.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests of many entities, done together: each worker thread takes the first waiting request and
 * everything queued behind it (up to {@code maxBatch}) and hands them to {@code work} as one batch,
 * so one database round trip serves all of them. Nothing waits for a batch to fill: an idle journal
 * answers a single request at once, a busy one batches what piled up during the previous round
 * trip, which is what makes a backlog cheap.
 *
 * <p>Bounded: at most {@code capacity} requests wait; a full queue blocks the submitting thread (a
 * plugin dispatcher of its own), which slows the entities instead of failing them. {@code work}
 * completes every request's future; if it throws, the batch's unfinished requests fail with it.
 *
 * @param <R> the request, carrying the future it is answered through
 */
final class Batcher<R extends Batcher.Request> implements AutoCloseable {

  /** A request answered through its future. */
  interface Request {
    CompletableFuture<?> future();
  }

  private static final Logger log = LoggerFactory.getLogger(Batcher.class);

  private final BlockingQueue<R> queue;
  private final int maxBatch;
  private final Consumer<List<R>> work;
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean closed;

  Batcher(String name, int threads, int maxBatch, int capacity, Consumer<List<R>> work) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.maxBatch = maxBatch;
    this.work = work;
    for (int i = 0; i < threads; i++) {
      Thread worker = new Thread(this::loop, name + "-" + i);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
  }

  /** Queues {@code request}; blocks while the queue is full. */
  void submit(R request) {
    if (closed) {
      request.future().completeExceptionally(new IllegalStateException("journal closed"));
      return;
    }
    try {
      queue.put(request);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      request.future().completeExceptionally(e);
    }
  }

  /** Requests waiting for a worker (a gauge of the journal's backlog). */
  int waiting() {
    return queue.size();
  }

  private void loop() {
    List<R> batch = new ArrayList<>(maxBatch);
    while (!closed) {
      try {
        R first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        run(batch);
      } catch (InterruptedException e) {
        break;
      } finally {
        batch.clear();
      }
    }
    List<R> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(
        r -> r.future().completeExceptionally(new IllegalStateException("journal closed")));
  }

  private void run(List<R> batch) {
    try {
      work.accept(batch);
    } catch (RuntimeException e) {
      log.warn("Journal batch of {} requests failed: {}", batch.size(), e.toString());
      batch.forEach(r -> r.future().completeExceptionally(e));
    }
  }

  @Override
  public void close() {
    closed = true;
    workers.forEach(Thread::interrupt);
  }
}
