package io.tidemark.http.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.tidemark.http.Responses;
import io.tidemark.http.metrics.Counter;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.BroadcastHub;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live feed of this node: a bounded queue in front of a {@code BroadcastHub}. A message is
 * serialized once, on publishing, and the same JSON text goes to every subscriber; {@link
 * #publishAll} makes one JSON array of several messages, one frame for every subscriber instead of
 * one per message (a frame costs each connection about as much as its bytes do). The queue accepts
 * with {@code offer}, dropping when full, so the pipeline never waits for browsers; a drain
 * subscriber keeps the hub moving when nobody is connected. Each subscriber puts its own bounded
 * buffer behind the hub (see {@link LiveRoutes}), so a slow client fails its buffer and is
 * disconnected instead of holding the hub back.
 */
public final class LocalLiveHub implements LiveHub, AutoCloseable {

  /** Elements the hub holds for its slowest subscriber; a power of two. */
  private static final int HUB_BUFFER = 256;

  /** Writes a message with its {@code type} property. */
  private static final ObjectWriter MESSAGE = Responses.JSON.writerFor(LiveMessage.class);

  /** Writes a list of messages as a JSON array, each element with its {@code type} property. */
  private static final ObjectWriter ARRAY_OF_MESSAGES =
      Responses.JSON.writerFor(
          Responses.JSON.getTypeFactory().constructCollectionType(List.class, LiveMessage.class));

  private static final Logger log = LoggerFactory.getLogger(LocalLiveHub.class);

  private final BoundedSourceQueue<String> queue;
  private final Source<String, NotUsed> feed;
  private final Counter dropped;

  private LocalLiveHub(
      BoundedSourceQueue<String> queue, Source<String, NotUsed> feed, Counter dropped) {
    this.queue = queue;
    this.feed = feed;
    this.dropped = dropped;
  }

  /**
   * Starts a hub.
   *
   * @param publishBuffer messages waiting to be fanned out before publishing drops
   * @param dropped counts the messages dropped
   */
  public static LocalLiveHub start(Materializer materializer, int publishBuffer, Counter dropped) {
    Pair<BoundedSourceQueue<String>, Source<String, NotUsed>> hub =
        Source.<String>queue(publishBuffer)
            .toMat(BroadcastHub.of(String.class, HUB_BUFFER), Keep.both())
            .named("live-hub")
            .run(materializer);
    hub.second().runWith(Sink.ignore(), materializer);
    return new LocalLiveHub(hub.first(), hub.second(), dropped);
  }

  @Override
  public boolean publish(LiveMessage message) {
    return offer(MESSAGE, message);
  }

  /** Publishes the messages as one frame, a JSON array; nothing when the list is empty. */
  @Override
  public boolean publishAll(List<? extends LiveMessage> messages) {
    return messages.isEmpty() || offer(ARRAY_OF_MESSAGES, messages);
  }

  private boolean offer(ObjectWriter writer, Object value) {
    String json;
    try {
      json = writer.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      log.warn("Live message could not be serialized: {}", value, e);
      return false;
    }
    QueueOfferResult result = queue.offer(json);
    if (result == QueueOfferResult.enqueued()) {
      return true;
    }
    dropped.inc();
    return false;
  }

  @Override
  public Source<String, NotUsed> feed() {
    return feed;
  }

  /** Completes the feed: every subscriber's stream ends after the messages already queued. */
  @Override
  public void close() {
    queue.complete();
  }
}
