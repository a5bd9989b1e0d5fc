package io.tidemark.http.metrics;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /metrics}: the registry in the Prometheus text exposition format. */
public final class MetricsRoutes extends AllDirectives {

  private static final ContentType TEXT = ContentTypes.parse(Metrics.CONTENT_TYPE);

  private final Metrics metrics;

  public MetricsRoutes(Metrics metrics) {
    this.metrics = metrics;
  }

  public Route routes() {
    return path(
        "metrics",
        () ->
            get(
                () ->
                    complete(
                        HttpResponse.create()
                            .withEntity(TEXT, metrics.render().getBytes(StandardCharsets.UTF_8)))));
  }
}
