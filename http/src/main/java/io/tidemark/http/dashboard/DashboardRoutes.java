package io.tidemark.http.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The dashboard: {@code GET /} serves the page, {@code /dashboard/...} its script and style sheet
 * (classpath {@code io/tidemark/http/dashboard}), {@code /assets/chart.js/...} the {@code dist}
 * directory of the Chart.js WebJar. Everything comes from the application's own jars, so the
 * dashboard works offline.
 */
public final class DashboardRoutes extends AllDirectives {

  private static final String PAGES = "io/tidemark/http/dashboard";
  private static final String CHART_JS_POM =
      "META-INF/maven/org.webjars.npm/chart.js/pom.properties";

  private final String chartJs;

  public DashboardRoutes() {
    this.chartJs = "META-INF/resources/webjars/chart.js/" + chartJsVersion() + "/dist";
  }

  public Route routes() {
    return get(
        () ->
            concat(
                pathSingleSlash(
                    () -> getFromResource(PAGES + "/index.html", ContentTypes.TEXT_HTML_UTF8)),
                pathPrefix("dashboard", () -> getFromResourceDirectory(PAGES)),
                pathPrefix(
                    PathMatchers.segment("assets").slash("chart.js"),
                    () -> getFromResourceDirectory(chartJs))));
  }

  private static String chartJsVersion() {
    try (InputStream in =
        DashboardRoutes.class.getClassLoader().getResourceAsStream(CHART_JS_POM)) {
      if (in == null) {
        throw new IllegalStateException("Chart.js WebJar missing from the classpath");
      }
      Properties pom = new Properties();
      pom.load(in);
      return pom.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
