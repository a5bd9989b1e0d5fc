package io.tidemark.http.live;

import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The live feed's fan-out: publishers (the pipelines) hand in messages, every subscriber (one per
 * WebSocket client) gets them as JSON text. Publishing never blocks and never backpressures: when
 * the hub cannot keep up, the message is dropped. This node's hub is {@link LocalLiveHub}; a
 * cluster-wide hub (Pekko distributed pub-sub) implements the same interface.
 */
public interface LiveHub {

  /**
   * Hands a message to every current subscriber, without blocking.
   *
   * @return false when the message was dropped (hub full or closed)
   */
  boolean publish(LiveMessage message);

  /**
   * The messages published from the moment the returned source is materialized on, as JSON text.
   * Each materialization is one subscriber.
   */
  Source<String, NotUsed> feed();
}
