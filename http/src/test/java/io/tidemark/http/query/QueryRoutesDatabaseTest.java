package io.tidemark.http.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.http.ErrorHandling;
import io.tidemark.http.JUnit5RouteTest;
import io.tidemark.http.Json;
import io.tidemark.http.Responses;
import io.tidemark.persistence.query.JdbcQueryRepository;
import io.tidemark.persistence.query.QueryRepository;
import io.tidemark.persistence.query.TimeRange;
import io.tidemark.persistence.schema.Schema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The query API over the real PostgreSQL (127.0.0.1:5432, database {@code test}, a fresh schema):
 * what the database cannot take is the client's error, a 400 with a JSON body, never a 503.
 */
class QueryRoutesDatabaseTest extends JUnit5RouteTest {

  private static final long T0 = 1_732_300_000_000L;

  private static final String SCHEMA =
      "query_routes_" + UUID.randomUUID().toString().substring(0, 8);
  private static HikariDataSource dataSource;
  private static ExecutorService executor;
  private static QueryRepository repository;

  @BeforeAll
  static void createSchema() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + SCHEMA);
    config.setUsername("postgres");
    config.setMaximumPoolSize(2);
    dataSource = new HikariDataSource(config);
    Schema.migrate(dataSource, SCHEMA);
    executor = Executors.newFixedThreadPool(2);
    repository = new JdbcQueryRepository(dataSource, executor);
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    executor.shutdown();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
    }
    dataSource.close();
  }

  private TestRoute route() {
    QueryRoutes query =
        new QueryRoutes(
            repository,
            userId -> CompletableFuture.completedFuture(Optional.empty()),
            Duration.ofDays(31),
            1000);
    return testRoute(new ErrorHandling().wrap(query::routes));
  }

  @Test
  void nulInThePageIsABadParameter() {
    JsonNode body =
        Json.badParameter(
            route()
                .run(
                    HttpRequest.GET(
                        "/api/pageviews?page=/a%00b&from=" + T0 + "&to=" + (T0 + 60_000))),
            "page");
    assertTrue(body.path("error").asText().contains("U+0000"), body.toString());
  }

  @Test
  void nulInTheUserOfAlertsIsABadParameter() {
    Json.badParameter(route().run(HttpRequest.GET("/api/alerts?userId=u%00")), "userId");
  }

  @Test
  void timePastTheDatabaseRangeIsABadParameter() {
    long far = 99_999_999_999_999_999L;
    Json.badParameter(
        route().run(HttpRequest.GET("/api/visitors?from=" + far + "&to=" + (far + 60_000))),
        "from");
    Json.badParameter(route().run(HttpRequest.GET("/api/alerts?since=" + far)), "since");
    Json.badParameter(
        route()
            .run(
                HttpRequest.GET(
                    "/api/pageviews/top?from=%2B99999-01-01T00:00:00Z&to=%2B99999-01-02T00:00:00Z")),
        "from");
  }

  @Test
  void aValueTheDatabaseRefusesAsDataIsA400WhateverLetItThrough() throws Exception {
    HttpResponse nul =
        Responses.respond(
                repository.pageViews("/a\u0000b", new TimeRange(T0, T0 + 60_000)), Responses::ok)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertEquals(400, nul.status().intValue());

    long far = 99_999_999_999_999_999L;
    HttpResponse outOfRange =
        Responses.respond(repository.visitors(new TimeRange(far, far + 60_000)), Responses::ok)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertEquals(400, outOfRange.status().intValue());
  }
}
