package io.tidemark.http.dashboard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.http.JUnit5RouteTest;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DashboardRoutesTest extends JUnit5RouteTest {

  private TestRoute route;

  @BeforeEach
  void routes() {
    route = testRoute(new DashboardRoutes().routes());
  }

  @Test
  void rootServesThePageLoadingOnlyLocalAssets() {
    var result = route.run(HttpRequest.GET("/"));
    result.assertStatusCode(200);
    result.assertContentType(ContentTypes.TEXT_HTML_UTF8);
    String page = result.entityString();
    assertTrue(page.contains("src=\"/assets/chart.js/chart.umd.min.js\""));
    assertTrue(page.contains("src=\"/dashboard/dashboard.js\""));
    assertTrue(!page.contains("https://"), "no CDN");
  }

  @Test
  void scriptAndStyleAreServedFromTheClasspath() {
    var script = route.run(HttpRequest.GET("/dashboard/dashboard.js"));
    script.assertStatusCode(200);
    assertTrue(script.entityString().contains("/ws/live"));
    route.run(HttpRequest.GET("/dashboard/dashboard.css")).assertStatusCode(200);
  }

  @Test
  void chartJsComesFromTheWebJar() {
    var result = route.run(HttpRequest.GET("/assets/chart.js/chart.umd.min.js"));
    result.assertStatusCode(200);
    assertTrue(result.entityBytes().size() > 100_000);
  }
}
