package io.tidemark.http.query;

import io.tidemark.http.Responses;
import io.tidemark.persistence.query.PageTotal;
import io.tidemark.persistence.query.PageViewWindow;
import io.tidemark.persistence.query.QueryRepository;
import io.tidemark.persistence.query.StoredAlert;
import io.tidemark.persistence.query.TimeRange;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The query API of SPEC §6.2 under {@code /api}: page views of a page, top pages, visitors over a
 * range, alerts, and a user's fraud state. Ranges are {@code [from, to)} over window starts; times
 * are accepted as epoch milliseconds or ISO-8601 instants and returned as epoch milliseconds.
 */
public final class QueryRoutes extends AllDirectives {

  /** Most pages {@code /api/pageviews/top} returns. */
  static final int MAX_TOP = 1000;

  private static final int DEFAULT_TOP = 10;
  private static final int DEFAULT_ALERTS = 100;

  private final QueryRepository repository;
  private final FraudStateLookup<?> fraudState;
  private final Duration maxRange;
  private final int maxAlerts;

  public QueryRoutes(
      QueryRepository repository,
      FraudStateLookup<?> fraudState,
      Duration maxRange,
      int maxAlerts) {
    this.repository = repository;
    this.fraudState = fraudState;
    this.maxRange = maxRange;
    this.maxAlerts = maxAlerts;
  }

  public Route routes() {
    return pathPrefix(
        "api",
        () ->
            get(
                () ->
                    concat(
                        pathPrefix(
                            "pageviews",
                            () -> concat(pathEnd(this::pageViews), path("top", this::topPages))),
                        path("visitors", this::visitors),
                        path("alerts", this::alerts),
                        pathPrefix(
                            "users",
                            () ->
                                pathPrefix(
                                    PathMatchers.segment(),
                                    userId -> path("fraud-state", () -> fraudState(userId)))))));
  }

  private Route pageViews() {
    return parameter(
        "page",
        page ->
            parameter(
                "from",
                from ->
                    parameter(
                        "to",
                        to -> {
                          String key = QueryParams.text("page", page);
                          TimeRange range = QueryParams.range(from, to, maxRange);
                          return completeWithFuture(
                              Responses.respond(
                                  repository.pageViews(key, range),
                                  rows -> Responses.ok(PageViews.of(key, range, rows))));
                        })));
  }

  private Route topPages() {
    return parameter(
        "from",
        from ->
            parameter(
                "to",
                to ->
                    parameterOptional(
                        "n",
                        n -> {
                          TimeRange range = QueryParams.range(from, to, maxRange);
                          int top = QueryParams.integer("n", n, 1, MAX_TOP, DEFAULT_TOP);
                          return completeWithFuture(
                              Responses.respond(
                                  repository.topPages(range, top),
                                  pages ->
                                      Responses.ok(
                                          new TopPages(range.from(), range.to(), top, pages))));
                        })));
  }

  private Route visitors() {
    return parameter(
        "from",
        from ->
            parameter(
                "to",
                to -> {
                  TimeRange range = QueryParams.range(from, to, maxRange);
                  return completeWithFuture(
                      Responses.respond(
                          repository.visitors(range),
                          estimate ->
                              Responses.ok(
                                  new VisitorsOverRange(
                                      range.from(),
                                      range.to(),
                                      estimate.visitors(),
                                      estimate.windows()))));
                }));
  }

  private Route alerts() {
    return parameterOptional(
        "userId",
        userId ->
            parameterOptional(
                "since",
                since ->
                    parameterOptional(
                        "limit",
                        limit -> {
                          Optional<String> user = userId.map(id -> QueryParams.text("userId", id));
                          long from = since.map(s -> QueryParams.instant("since", s)).orElse(0L);
                          int n = QueryParams.integer("limit", limit, 1, maxAlerts, defaultLimit());
                          return completeWithFuture(
                              Responses.respond(
                                  repository.alerts(user, from, n),
                                  alerts ->
                                      Responses.ok(new Alerts(user.orElse(null), from, alerts))));
                        })));
  }

  private Route fraudState(String userId) {
    String user = QueryParams.text("userId", userId);
    return completeWithFuture(
        Responses.respond(
            fraudState.lookup(user),
            state ->
                state
                    .<org.apache.pekko.http.javadsl.model.HttpResponse>map(Responses::ok)
                    .orElseGet(
                        () ->
                            Responses.error(
                                StatusCodes.NOT_FOUND,
                                "no fraud state for user",
                                Map.of("userId", user)))));
  }

  private int defaultLimit() {
    return Math.min(DEFAULT_ALERTS, maxAlerts);
  }

  /**
   * Body of {@code GET /api/pageviews}.
   *
   * @param page the page asked for
   * @param from range start, epoch ms
   * @param to range end (exclusive), epoch ms
   * @param total views summed over the windows
   * @param windows the stored windows, by start
   */
  public record PageViews(String page, long from, long to, long total, List<Window> windows) {

    static PageViews of(String page, TimeRange range, List<PageViewWindow> rows) {
      List<Window> windows =
          rows.stream()
              .map(
                  row ->
                      new Window(row.windowStart(), row.windowEnd(), row.views(), row.revision()))
              .toList();
      long total = rows.stream().mapToLong(PageViewWindow::views).sum();
      return new PageViews(page, range.from(), range.to(), total, windows);
    }

    /** One window of a page. */
    public record Window(long windowStart, long windowEnd, long views, int revision) {}
  }

  /** Body of {@code GET /api/pageviews/top}. */
  public record TopPages(long from, long to, int n, List<PageTotal> pages) {}

  /** Body of {@code GET /api/visitors}. */
  public record VisitorsOverRange(long from, long to, long visitors, int windows) {}

  /** Body of {@code GET /api/alerts}; {@code userId} null when asked for everyone. */
  public record Alerts(String userId, long since, List<StoredAlert> alerts) {}
}
