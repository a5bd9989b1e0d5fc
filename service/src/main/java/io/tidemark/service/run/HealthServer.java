package io.tidemark.service.run;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A minimal HTTP server with the health endpoints of SPEC §6.2 ({@code /health/alive}, {@code
 * /health/ready}), until the http module's routes take over. Unbinds when the actor system stops.
 */
public final class HealthServer {

  private HealthServer() {}

  /** The health routes: alive while the process runs; ready while {@code ready} holds. */
  public static Route routes(BooleanSupplier ready) {
    return pathPrefix(
        "health",
        () ->
            concat(
                path("alive", () -> complete(StatusCodes.OK, "alive")),
                path(
                    "ready",
                    () ->
                        ready.getAsBoolean()
                            ? complete(StatusCodes.OK, "ready")
                            : complete(StatusCodes.SERVICE_UNAVAILABLE, "not ready"))));
  }

  /** Binds the routes; the binding is terminated on coordinated shutdown. */
  public static CompletionStage<ServerBinding> bind(
      ActorSystem<?> system, HttpSettings settings, BooleanSupplier ready) {
    return Http.get(system)
        .newServerAt(settings.host(), settings.port())
        .bind(routes(ready))
        .thenApply(binding -> binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system));
  }
}
