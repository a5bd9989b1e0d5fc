package io.tidemark.service.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DatabaseEndpointTest {

  @Test
  void withoutUrlThereIsNoEndpoint() {
    assertEquals(Optional.empty(), DatabaseEndpoint.fromEnvironment(Map.of("DB_USER", "u")));
    assertEquals(Optional.empty(), DatabaseEndpoint.fromEnvironment(Map.of("DB_URL", " ")));
  }

  @Test
  void urlAloneLogsInAsTheConfiguredDefaultUser() {
    DatabaseEndpoint endpoint =
        DatabaseEndpoint.fromEnvironment(Map.of("DB_URL", "jdbc:postgresql://db:5432/t "))
            .orElseThrow();

    assertEquals(new DatabaseEndpoint("jdbc:postgresql://db:5432/t", "postgres", ""), endpoint);
    assertEquals(
        ConfigFactory.parseResources("persistence.conf")
            .getConfig("tidemark.db")
            .resolve(ConfigResolveOptions.noSystem())
            .getString("user"),
        endpoint.user(),
        "the same default as tidemark run");
  }

  @Test
  void userAndPasswordFromTheEnvironment() {
    assertEquals(
        Optional.of(new DatabaseEndpoint("jdbc:postgresql://db/t", "app", "secret")),
        DatabaseEndpoint.fromEnvironment(
            Map.of("DB_URL", "jdbc:postgresql://db/t", "DB_USER", "app", "DB_PASSWORD", "secret")));
  }
}
