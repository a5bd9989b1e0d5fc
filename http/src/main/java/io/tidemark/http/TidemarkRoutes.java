package io.tidemark.http;

import io.tidemark.http.admin.AdminRoutes;
import io.tidemark.http.dashboard.DashboardRoutes;
import io.tidemark.http.health.HealthRoutes;
import io.tidemark.http.live.LiveRoutes;
import io.tidemark.http.metrics.MetricsRoutes;
import io.tidemark.http.query.QueryRoutes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Every route of the service in one tree, wrapped so that any failure or rejection is answered with
 * a JSON error body ({@link ErrorHandling}).
 */
public final class TidemarkRoutes extends AllDirectives {

  private final HealthRoutes health;
  private final QueryRoutes query;
  private final MetricsRoutes metrics;
  private final AdminRoutes admin;
  private final LiveRoutes live;
  private final DashboardRoutes dashboard;
  private final ErrorHandling errors = new ErrorHandling();

  public TidemarkRoutes(
      HealthRoutes health,
      QueryRoutes query,
      MetricsRoutes metrics,
      AdminRoutes admin,
      LiveRoutes live,
      DashboardRoutes dashboard) {
    this.health = health;
    this.query = query;
    this.metrics = metrics;
    this.admin = admin;
    this.live = live;
    this.dashboard = dashboard;
  }

  public Route routes() {
    return errors.wrap(
        () ->
            concat(
                health.routes(),
                query.routes(),
                metrics.routes(),
                admin.routes(),
                live.routes(),
                dashboard.routes()));
  }
}
