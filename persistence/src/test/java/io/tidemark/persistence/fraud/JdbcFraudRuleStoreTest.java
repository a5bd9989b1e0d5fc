package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.persistence.TestSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fraud rule store against the real PostgreSQL, in a fresh schema dropped afterwards. */
class JdbcFraudRuleStoreTest {

  private static final FraudSettings DEFAULTS = FraudSettings.defaults();

  private static TestSchema db;
  private static HikariDataSource dataSource;
  private static ExecutorService executor;

  @BeforeAll
  static void createSchema() {
    db = TestSchema.create("rule", 2);
    dataSource = db.dataSource();
    executor = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void dropSchema() throws SQLException, InterruptedException {
    db.close();
    executor.shutdown();
    assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
  }

  @BeforeEach
  void emptyTable() throws SQLException {
    db.execute("TRUNCATE fraud_rule");
  }

  @Test
  void withoutStoredRuleTheConfiguredDefaultsApply() {
    assertEquals(DEFAULTS, JdbcFraudRuleStore.open(dataSource, executor, DEFAULTS).current());
  }

  @Test
  void updatedRuleIsInForceAndSurvivesARestart() throws Exception {
    JdbcFraudRuleStore store = JdbcFraudRuleStore.open(dataSource, executor, DEFAULTS);
    List<FraudSettings> heard = new CopyOnWriteArrayList<>();
    store.addListener(heard::add);
    FraudSettings stricter = new FraudSettings(300_000, 2, 60_000);
    assertEquals(stricter, store.update(stricter).toCompletableFuture().get());
    assertEquals(stricter, store.current());
    assertEquals(List.of(stricter), heard);
    assertEquals(stricter, JdbcFraudRuleStore.open(dataSource, executor, DEFAULTS).current());
  }

  @Test
  void refreshSeesAnotherNodesChange() throws Exception {
    JdbcFraudRuleStore here = JdbcFraudRuleStore.open(dataSource, executor, DEFAULTS);
    JdbcFraudRuleStore there = JdbcFraudRuleStore.open(dataSource, executor, DEFAULTS);
    FraudSettings changed = new FraudSettings(600_000, 5, 0);
    there.update(changed).toCompletableFuture().get();
    assertEquals(DEFAULTS, here.current());
    assertEquals(changed, here.refresh().toCompletableFuture().get());
    assertEquals(changed, here.current());
  }

  @Test
  void databaseRejectsARuleTheConstraintsForbid() throws Exception {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      assertThrows(
          SQLException.class,
          () ->
              statement.execute(
                  "INSERT INTO fraud_rule (window_ms, max_countries, allowed_lateness_ms)"
                      + " VALUES (0, 3, 0)"));
    }
    assertEquals(
        DEFAULTS,
        JdbcFraudRuleStore.open(dataSource, executor, DEFAULTS)
            .refresh()
            .toCompletableFuture()
            .get());
  }
}
