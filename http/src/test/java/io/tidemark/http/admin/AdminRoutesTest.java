package io.tidemark.http.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.http.ErrorHandling;
import io.tidemark.http.JUnit5RouteTest;
import io.tidemark.http.Json;
import io.tidemark.persistence.fraud.FraudSettings;
import io.tidemark.persistence.fraud.VersionedFraudRule;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminRoutesTest extends JUnit5RouteTest {

  private static final String TOKEN = "s3cret-token";

  /** The service side kept in memory: the rule in force and whether consumption is paused. */
  private static final class Control implements AdminControl {
    volatile FraudSettings rule = FraudSettings.defaults();
    volatile long version;
    volatile boolean paused;

    @Override
    public CompletionStage<VersionedFraudRule> fraudRule() {
      return CompletableFuture.completedFuture(new VersionedFraudRule(version, rule));
    }

    @Override
    public CompletionStage<VersionedFraudRule> updateFraudRule(FraudSettings settings) {
      rule = settings;
      version++;
      return CompletableFuture.completedFuture(new VersionedFraudRule(version, settings));
    }

    @Override
    public CompletionStage<Boolean> pause() {
      paused = true;
      return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletionStage<Boolean> resume() {
      paused = false;
      return CompletableFuture.completedFuture(false);
    }
  }

  private Control control;
  private TestRoute route;

  @BeforeEach
  void routes() {
    control = new Control();
    AdminRoutes admin = new AdminRoutes(control, TOKEN);
    route = testRoute(new ErrorHandling().wrap(admin::routes));
  }

  private static HttpRequest withToken(HttpRequest request, String token) {
    return request.addHeader(RawHeader.create("Authorization", "Bearer " + token));
  }

  private static void assertUnauthorized(TestRouteResult result) {
    result.assertStatusCode(401);
    assertTrue(Json.body(result).path("error").asText().contains("token"));
    result.assertHeaderExists("WWW-Authenticate", "Bearer realm=\"tidemark-admin\"");
  }

  @Test
  void requestWithoutTokenIsUnauthorized() {
    assertUnauthorized(route.run(HttpRequest.GET("/admin/fraud-rule")));
    assertUnauthorized(route.run(HttpRequest.POST("/admin/pause")));
    assertEquals(false, control.paused);
  }

  @Test
  void requestWithWrongTokenOrSchemeIsUnauthorized() {
    assertUnauthorized(route.run(withToken(HttpRequest.POST("/admin/pause"), "s3cret-tokem")));
    assertUnauthorized(route.run(withToken(HttpRequest.POST("/admin/pause"), TOKEN + "x")));
    assertUnauthorized(
        route.run(
            HttpRequest.POST("/admin/pause")
                .addHeader(RawHeader.create("Authorization", "Basic " + TOKEN))));
    assertEquals(false, control.paused);
  }

  @Test
  void emptyConfiguredTokenDisablesAdmin() {
    TestRoute disabled = testRoute(new AdminRoutes(control, "").routes());
    assertUnauthorized(disabled.run(withToken(HttpRequest.GET("/admin/fraud-rule"), "")));
  }

  @Test
  void rightTokenReadsFraudRule() {
    var result = route.run(withToken(HttpRequest.GET("/admin/fraud-rule"), TOKEN));
    result.assertStatusCode(200);
    JsonNode body = Json.body(result);
    assertEquals(600_000, body.path("windowMs").asLong());
    assertEquals(3, body.path("maxCountries").asInt());
    assertEquals(300_000, body.path("allowedLatenessMs").asLong());
    assertEquals(0, body.path("version").asLong(-1), "the configured defaults");
  }

  @Test
  void putChangesGivenFieldsAndKeepsOthers() {
    var result =
        route.run(
            withToken(HttpRequest.PUT("/admin/fraud-rule"), TOKEN)
                .withEntity(ContentTypes.APPLICATION_JSON, "{\"maxCountries\": 5}"));
    result.assertStatusCode(200);
    assertEquals(5, Json.body(result).path("maxCountries").asInt());
    assertEquals(1, Json.body(result).path("version").asLong());
    assertEquals(new FraudSettings(600_000, 5, 300_000), control.rule);

    var read = route.run(withToken(HttpRequest.GET("/admin/fraud-rule"), TOKEN));
    assertEquals(5, Json.body(read).path("maxCountries").asInt());
    assertEquals(1, Json.body(read).path("version").asLong());
  }

  @Test
  void putWithInvalidRuleIsBadRequestAndChangesNothing() {
    String[][] cases = {
      {"{\"windowMs\": 0}", "windowMs"},
      {"{\"windowMs\": -60000}", "windowMs"},
      {"{\"windowMs\": 1.5}", "windowMs"},
      {"{\"windowMs\": 99999999999999999999}", "windowMs"},
      {"{\"maxCountries\": 0}", "maxCountries"},
      {"{\"maxCountries\": 4294967296}", "maxCountries"},
      {"{\"maxCountries\": null}", "maxCountries"},
      {"{\"allowedLatenessMs\": -1}", "allowedLatenessMs"},
      {"{\"version\": 7}", "version"},
      {"{\"window\": 5}", "window"},
      {"{\"maxCountries\": \"3\"}", "maxCountries"},
      {"[1]", "body"},
      {"not json", "body"}
    };
    for (String[] bad : cases) {
      var result =
          route.run(
              withToken(HttpRequest.PUT("/admin/fraud-rule"), TOKEN)
                  .withEntity(ContentTypes.APPLICATION_JSON, bad[0]));
      result.assertStatusCode(400);
      JsonNode body = Json.body(result);
      assertTrue(body.path("error").isTextual(), bad[0]);
      if (bad[1] != null) {
        assertEquals(bad[1], body.path("parameter").asText(), bad[0]);
      }
    }
    assertEquals(FraudSettings.defaults(), control.rule);
    assertEquals(0, control.version, "nothing stored");
  }

  @Test
  void pauseAndResumeConsumption() {
    var paused = route.run(withToken(HttpRequest.POST("/admin/pause"), TOKEN));
    paused.assertStatusCode(200);
    assertTrue(Json.body(paused).path("paused").asBoolean());
    assertTrue(control.paused);

    var resumed = route.run(withToken(HttpRequest.POST("/admin/resume"), TOKEN));
    resumed.assertStatusCode(200);
    assertEquals(false, Json.body(resumed).path("paused").asBoolean());
    assertEquals(false, control.paused);
  }

  @Test
  void pauseNeedsPost() {
    route.run(withToken(HttpRequest.GET("/admin/pause"), TOKEN)).assertStatusCode(405);
  }
}
