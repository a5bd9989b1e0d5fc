package io.tidemark.http.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.http.ErrorHandling;
import io.tidemark.http.JUnit5RouteTest;
import io.tidemark.http.Json;
import io.tidemark.persistence.query.PageTotal;
import io.tidemark.persistence.query.PageViewWindow;
import io.tidemark.persistence.query.QueryRepository;
import io.tidemark.persistence.query.StoredAlert;
import io.tidemark.persistence.query.TimeRange;
import io.tidemark.persistence.query.VisitorsEstimate;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueryRoutesTest extends JUnit5RouteTest {

  private static final long T0 = 1_732_300_000_000L;
  private static final long MINUTE = 60_000;

  /** Answers from fixed rows and records what it was asked. */
  private static final class Rows implements QueryRepository {
    final List<String> calls = new ArrayList<>();
    boolean down;

    @Override
    public CompletionStage<List<PageViewWindow>> pageViews(String page, TimeRange range) {
      calls.add("pageViews " + page + " " + range.from() + ".." + range.to());
      return answer(
          List.of(
              new PageViewWindow(page, T0, T0 + MINUTE, 3, 1),
              new PageViewWindow(page, T0 + MINUTE, T0 + 2 * MINUTE, 4, 2)));
    }

    @Override
    public CompletionStage<List<PageTotal>> topPages(TimeRange range, int n) {
      calls.add("topPages " + range.from() + ".." + range.to() + " " + n);
      return answer(List.of(new PageTotal("/a", 9), new PageTotal("/b", 2)));
    }

    @Override
    public CompletionStage<VisitorsEstimate> visitors(TimeRange range) {
      calls.add("visitors " + range.from() + ".." + range.to());
      return answer(new VisitorsEstimate(range, 42, 3));
    }

    @Override
    public CompletionStage<List<StoredAlert>> alerts(
        Optional<String> userId, long since, int limit) {
      calls.add("alerts " + userId.orElse("*") + " " + since + " " + limit);
      return answer(
          List.of(new StoredAlert("t-1", "u-1", "t-1", T0, List.of("DE", "FR", "IT", "US"), T0)));
    }

    private <T> CompletionStage<T> answer(T value) {
      return down
          ? CompletableFuture.failedFuture(new SQLException("connection refused"))
          : CompletableFuture.completedFuture(value);
    }
  }

  /** A user's fraud state as the service would show it. */
  record State(String userId, int retained) {}

  private Rows rows;
  private TestRoute route;

  @BeforeEach
  void routes() {
    rows = new Rows();
    FraudStateLookup<State> states =
        userId ->
            CompletableFuture.completedFuture(
                userId.equals("u-1") ? Optional.of(new State(userId, 4)) : Optional.empty());
    QueryRoutes query = new QueryRoutes(rows, states, Duration.ofDays(31), 1000);
    route = testRoute(new ErrorHandling().wrap(query::routes));
  }

  private JsonNode ok(String uri) {
    var result = route.run(HttpRequest.GET(uri));
    result.assertStatusCode(200);
    return Json.body(result);
  }

  private JsonNode bad(String uri, String parameter) {
    return Json.badParameter(route.run(HttpRequest.GET(uri)), parameter);
  }

  @Test
  void pageViewsAnswerWindowsAndTotal() {
    JsonNode body = ok("/api/pageviews?page=/p/7&from=" + T0 + "&to=" + (T0 + 2 * MINUTE));

    assertEquals("/p/7", body.path("page").asText());
    assertEquals(7, body.path("total").asLong());
    assertEquals(2, body.path("windows").size());
    assertEquals(T0 + MINUTE, body.path("windows").get(1).path("windowStart").asLong());
    assertEquals(2, body.path("windows").get(1).path("revision").asInt());
    assertEquals(List.of("pageViews /p/7 " + T0 + ".." + (T0 + 2 * MINUTE)), rows.calls);
  }

  @Test
  void isoInstantsAreAcceptedForFromAndTo() {
    ok("/api/pageviews?page=/p&from=2024-11-22T18:00:00Z&to=2024-11-22T20:00:00%2B01:00");
    long from = Instant.parse("2024-11-22T18:00:00Z").toEpochMilli();
    assertEquals(List.of("pageViews /p " + from + ".." + (from + 3_600_000)), rows.calls);
  }

  @Test
  void pageViewsRequirePage() {
    bad("/api/pageviews?from=" + T0 + "&to=" + (T0 + MINUTE), "page");
    bad("/api/pageviews?page=&from=" + T0 + "&to=" + (T0 + MINUTE), "page");
    bad("/api/pageviews?page=" + "x".repeat(1025) + "&from=" + T0 + "&to=" + (T0 + MINUTE), "page");
  }

  @Test
  void malformedOrMissingInstantIsBadParameter() {
    bad("/api/visitors?from=yesterday&to=" + T0, "from");
    bad("/api/visitors?from=" + T0 + "&to=1.5", "to");
    bad("/api/visitors?from=" + T0, "to");
    bad("/api/visitors?from=-5&to=" + T0, "from");
  }

  @Test
  void fromMustBeBeforeToAndRangeBounded() {
    bad("/api/visitors?from=" + T0 + "&to=" + T0, "to");
    bad("/api/visitors?from=" + T0 + "&to=" + (T0 - 1), "to");
    bad("/api/visitors?from=" + T0 + "&to=" + (T0 + Duration.ofDays(32).toMillis()), "to");
    assertEquals(List.of(), rows.calls);
  }

  @Test
  void topPagesDefaultToTenAndAcceptOneToThousand() {
    JsonNode body = ok("/api/pageviews/top?from=" + T0 + "&to=" + (T0 + MINUTE));
    assertEquals(10, body.path("n").asInt());
    assertEquals("/a", body.path("pages").get(0).path("page").asText());
    assertEquals(9, body.path("pages").get(0).path("views").asLong());
    ok("/api/pageviews/top?from=" + T0 + "&to=" + (T0 + MINUTE) + "&n=1000");
    assertEquals(
        List.of(
            "topPages " + T0 + ".." + (T0 + MINUTE) + " 10",
            "topPages " + T0 + ".." + (T0 + MINUTE) + " 1000"),
        rows.calls);
  }

  @Test
  void topPagesRejectNOutsideOneToThousand() {
    for (String n : List.of("0", "1001", "-1", "ten", "1e3")) {
      bad("/api/pageviews/top?from=" + T0 + "&to=" + (T0 + MINUTE) + "&n=" + n, "n");
    }
  }

  @Test
  void visitorsAnswerMergedEstimate() {
    JsonNode body = ok("/api/visitors?from=" + T0 + "&to=" + (T0 + 15 * MINUTE));
    assertEquals(42, body.path("visitors").asLong());
    assertEquals(3, body.path("windows").asInt());
    assertEquals(T0, body.path("from").asLong());
  }

  @Test
  void alertsOfUserSinceInstant() {
    JsonNode body = ok("/api/alerts?userId=u-1&since=" + T0);
    assertEquals("u-1", body.path("userId").asText());
    assertEquals("t-1", body.path("alerts").get(0).path("alertId").asText());
    assertEquals(
        "[\"DE\",\"FR\",\"IT\",\"US\"]", body.path("alerts").get(0).path("countries").toString());
    ok("/api/alerts?limit=5");
    assertEquals(List.of("alerts u-1 " + T0 + " 100", "alerts * 0 5"), rows.calls);
  }

  @Test
  void alertsRejectBadSinceAndLimit() {
    bad("/api/alerts?since=soon", "since");
    bad("/api/alerts?limit=0", "limit");
    bad("/api/alerts?limit=1001", "limit");
    bad("/api/alerts?userId=", "userId");
  }

  @Test
  void fraudStateOfKnownUser() {
    JsonNode body = ok("/api/users/u-1/fraud-state");
    assertEquals("u-1", body.path("userId").asText());
    assertEquals(4, body.path("retained").asInt());
  }

  @Test
  void fraudStateOfUnknownUserIsNotFoundJson() {
    var result = route.run(HttpRequest.GET("/api/users/u-9/fraud-state"));
    result.assertStatusCode(404);
    assertEquals("u-9", Json.body(result).path("userId").asText());
  }

  @Test
  void databaseFailureIsUnavailableJsonNeverInternalError() {
    rows.down = true;
    var result = route.run(HttpRequest.GET("/api/visitors?from=" + T0 + "&to=" + (T0 + MINUTE)));
    result.assertStatusCode(503);
    assertEquals("service unavailable", Json.body(result).path("error").asText());
  }

  @Test
  void unknownPathAndWrongMethodAreJsonErrors() {
    var missing = route.run(HttpRequest.GET("/api/nothing"));
    missing.assertStatusCode(404);
    assertTrue(Json.body(missing).path("error").asText().contains("not be found"));
    var post = route.run(HttpRequest.POST("/api/visitors?from=" + T0 + "&to=" + (T0 + MINUTE)));
    post.assertStatusCode(405);
    Json.body(post);
  }
}
