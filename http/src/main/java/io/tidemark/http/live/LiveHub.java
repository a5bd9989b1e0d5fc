package io.tidemark.http.live;

import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The live feed's fan-out: publishers hand in messages, every subscriber (one per WebSocket client)
 * gets them as JSON text, one text per WebSocket frame. Publishing never blocks and never
 * backpressures: when the hub cannot keep up, the message is dropped. This node's hub is {@link
 * LocalLiveHub}; what it publishes is already combined over the cluster (the service feeds it from
 * Pekko distributed pub-sub).
 */
public interface LiveHub {

  /**
   * Hands a message to every current subscriber, without blocking.
   *
   * @return false when the message was dropped (hub full or closed)
   */
  boolean publish(LiveMessage message);

  /**
   * Hands several messages to every subscriber at once, without blocking. A hub may send them as
   * one frame (a JSON array of the messages, in order); this default publishes them one by one.
   *
   * @return false when the messages were dropped
   */
  default boolean publishAll(List<? extends LiveMessage> messages) {
    boolean all = true;
    for (LiveMessage message : messages) {
      all &= publish(message);
    }
    return all;
  }

  /**
   * The messages published from the moment the returned source is materialized on, as JSON text.
   * Each materialization is one subscriber.
   */
  Source<String, NotUsed> feed();
}
