package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.persistence.TestSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fraud rule store against the real PostgreSQL, in a fresh schema dropped afterwards. */
class JdbcFraudRuleStoreTest {

  private static TestSchema db;
  private static HikariDataSource dataSource;

  @BeforeAll
  static void createSchema() {
    db = TestSchema.create("rule", 4);
    dataSource = db.dataSource();
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    db.close();
  }

  @BeforeEach
  void emptyTable() throws SQLException {
    db.execute("TRUNCATE fraud_rule");
  }

  private static JdbcFraudRuleStore store() {
    return new JdbcFraudRuleStore(dataSource, db.executor());
  }

  @Test
  void withoutStoredRuleNothingIsLoaded() throws Exception {
    assertEquals(Optional.empty(), store().load().toCompletableFuture().get());
  }

  @Test
  void everySaveGetsTheNextVersionAndSurvivesReopening() throws Exception {
    FraudSettings stricter = new FraudSettings(300_000, 2, 60_000);
    FraudSettings looser = new FraudSettings(600_000, 5, 0);

    assertEquals(
        new VersionedFraudRule(1, stricter), store().save(stricter).toCompletableFuture().get());
    assertEquals(
        new VersionedFraudRule(2, looser), store().save(looser).toCompletableFuture().get());

    assertEquals(
        Optional.of(new VersionedFraudRule(2, looser)), store().load().toCompletableFuture().get());
  }

  @Test
  void concurrentSavesGetDistinctVersionsAndTheLastCommittedIsStored() throws Exception {
    List<CompletableFuture<VersionedFraudRule>> saves = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      saves.add(store().save(new FraudSettings(60_000L * i, i, 0)).toCompletableFuture());
    }
    Map<Long, FraudSettings> byVersion = new HashMap<>();
    for (CompletableFuture<VersionedFraudRule> save : saves) {
      VersionedFraudRule saved = save.get();
      byVersion.put(saved.version(), saved.settings());
    }

    assertEquals(
        new TreeSet<>(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L)),
        new TreeSet<>(byVersion.keySet()));
    assertEquals(
        Optional.of(new VersionedFraudRule(12, byVersion.get(12L))),
        store().load().toCompletableFuture().get(),
        "the stored row is the save that got the highest version");
  }

  @Test
  void rowStoredBeforeVersionsExistedIsVersionOne() throws Exception {
    db.execute(
        "INSERT INTO fraud_rule (window_ms, max_countries, allowed_lateness_ms)"
            + " VALUES (120000, 4, 1000)");
    assertEquals(
        Optional.of(new VersionedFraudRule(1, new FraudSettings(120_000, 4, 1_000))),
        store().load().toCompletableFuture().get());
    assertEquals(2, store().save(FraudSettings.defaults()).toCompletableFuture().get().version());
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
      assertThrows(
          SQLException.class,
          () ->
              statement.execute(
                  "INSERT INTO fraud_rule (window_ms, max_countries, allowed_lateness_ms, version)"
                      + " VALUES (60000, 3, 0, 0)"));
    }
    assertEquals(Optional.empty(), store().load().toCompletableFuture().get());
  }
}
