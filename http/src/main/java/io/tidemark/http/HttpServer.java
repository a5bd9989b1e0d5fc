package io.tidemark.http;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the routes to the configured interface and port, logs the address, and unbinds on
 * coordinated shutdown (phase {@code service-unbind}), letting open requests finish within the
 * termination deadline.
 */
public final class HttpServer {

  /** How long open requests may take to finish once shutdown starts. */
  public static final Duration TERMINATION_DEADLINE = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  private HttpServer() {}

  /** Starts serving {@code route}; the stage completes with the binding or fails to bind. */
  public static CompletionStage<ServerBinding> start(
      ClassicActorSystemProvider system, HttpSettings settings, Route route) {
    return Http.get(system)
        .newServerAt(settings.iface(), settings.port())
        .bind(route)
        .whenComplete(
            (binding, failure) -> {
              if (failure == null) {
                binding.addToCoordinatedShutdown(TERMINATION_DEADLINE, system);
                log.info(
                    "HTTP server listening on http://{}:{}/",
                    binding.localAddress().getHostString(),
                    binding.localAddress().getPort());
              } else {
                log.error(
                    "HTTP server could not bind {}:{}", settings.iface(), settings.port(), failure);
              }
            });
  }
}
