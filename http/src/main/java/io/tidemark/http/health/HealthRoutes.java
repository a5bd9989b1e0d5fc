package io.tidemark.http.health;

import io.tidemark.http.Responses;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Liveness and readiness probes: {@code GET /health/alive} answers 200 while the process serves
 * requests; {@code GET /health/ready} answers 200 when every readiness check passes, 503 listing
 * the failing ones otherwise.
 */
public final class HealthRoutes extends AllDirectives {

  private final Readiness readiness;

  public HealthRoutes(Readiness readiness) {
    this.readiness = readiness;
  }

  public Route routes() {
    return pathPrefix(
        "health",
        () ->
            get(
                () ->
                    concat(
                        path("alive", () -> complete(Responses.ok(Map.of("status", "alive")))),
                        path(
                            "ready",
                            () ->
                                completeWithFuture(
                                    Responses.respond(
                                        readiness.evaluate(), HealthRoutes::toResponse))))));
  }

  private static HttpResponse toResponse(Readiness.Report report) {
    if (report.ready()) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", "ready");
      body.put("checks", report.checks());
      return Responses.ok(body);
    }
    return Responses.error(
        StatusCodes.SERVICE_UNAVAILABLE,
        "not ready",
        Map.of("failing", report.failing(), "checks", report.checks()));
  }
}
