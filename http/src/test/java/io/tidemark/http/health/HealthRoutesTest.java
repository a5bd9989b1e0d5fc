package io.tidemark.http.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.http.ErrorHandling;
import io.tidemark.http.JUnit5RouteTest;
import io.tidemark.http.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.junit.jupiter.api.Test;

class HealthRoutesTest extends JUnit5RouteTest {

  private static final ReadinessCheck KAFKA =
      ReadinessCheck.of("kafka", () -> CompletableFuture.completedFuture(true));
  private static final ReadinessCheck DATABASE_DOWN =
      ReadinessCheck.of("database", () -> CompletableFuture.completedFuture(false));
  private static final ReadinessCheck CLUSTER_SILENT =
      ReadinessCheck.of("cluster", CompletableFuture::new);
  private static final ReadinessCheck BROKEN =
      ReadinessCheck.of(
          "broken",
          () -> {
            throw new IllegalStateException("boom");
          });

  private TestRoute route(ReadinessCheck... checks) {
    Readiness readiness = Readiness.of(Duration.ofMillis(200), List.of(checks));
    HealthRoutes routes = new HealthRoutes(readiness);
    return testRoute(new ErrorHandling().wrap(routes::routes));
  }

  @Test
  void aliveAnswersOkEvenWhenNotReady() {
    route(DATABASE_DOWN).run(HttpRequest.GET("/health/alive")).assertStatusCode(200);
  }

  @Test
  void readyWhenEveryCheckPasses() {
    var result = route(KAFKA).run(HttpRequest.GET("/health/ready"));
    result.assertStatusCode(200);
    JsonNode body = Json.body(result);
    assertEquals("ready", body.path("status").asText());
    assertTrue(body.path("checks").path("kafka").asBoolean());
  }

  @Test
  void failingCheckMakesNotReadyListingIt() {
    var result = route(KAFKA, DATABASE_DOWN).run(HttpRequest.GET("/health/ready"));
    result.assertStatusCode(503);
    JsonNode body = Json.body(result);
    assertEquals("not ready", body.path("error").asText());
    assertEquals("[\"database\"]", body.path("failing").toString());
  }

  @Test
  void checkThatDoesNotAnswerInTimeOrThrowsCountsAsFailing() {
    var result = route(KAFKA, CLUSTER_SILENT, BROKEN).run(HttpRequest.GET("/health/ready"));
    result.assertStatusCode(503);
    assertEquals("[\"cluster\",\"broken\"]", Json.body(result).path("failing").toString());
  }

  @Test
  void checksRegisteredLaterAreEvaluated() {
    Readiness readiness = new Readiness(Duration.ofMillis(200));
    TestRoute route = testRoute(new HealthRoutes(readiness).routes());
    route.run(HttpRequest.GET("/health/ready")).assertStatusCode(200);
    readiness.register(DATABASE_DOWN);
    route.run(HttpRequest.GET("/health/ready")).assertStatusCode(503);
  }
}
