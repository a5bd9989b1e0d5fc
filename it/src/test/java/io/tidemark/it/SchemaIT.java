package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.persistence.schema.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The Flyway migrations against the machine's PostgreSQL (127.0.0.1:5432, database {@code test},
 * user {@code postgres}, trust authentication; override with system properties {@code
 * tidemark.it.pg.url}, {@code .user}, {@code .password}). Each run migrates a schema of its own and
 * drops it afterwards.
 */
class SchemaIT {

  private static final String SCHEMA = "it_" + UUID.randomUUID().toString().replace("-", "");

  private static PGSimpleDataSource dataSource;
  private static int firstRun;
  private static int secondRun;

  @BeforeAll
  static void migrateTwice() {
    dataSource = new PGSimpleDataSource();
    dataSource.setURL(
        System.getProperty("tidemark.it.pg.url", "jdbc:postgresql://127.0.0.1:5432/test"));
    dataSource.setUser(System.getProperty("tidemark.it.pg.user", "postgres"));
    dataSource.setPassword(System.getProperty("tidemark.it.pg.password", ""));
    firstRun = Schema.migrate(dataSource, SCHEMA);
    secondRun = Schema.migrate(dataSource, SCHEMA);
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }
  }

  @Test
  void migratingTwiceAppliesEachVersionOnce() throws SQLException {
    assertEquals(6, firstRun);
    assertEquals(0, secondRun);
    List<String> versions = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version FROM "
                    + SCHEMA
                    + ".flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank")) {
      while (rs.next()) {
        versions.add(rs.getString(1));
      }
    }
    assertEquals(List.of("1", "2", "3", "4", "4.1", "4.2"), versions);
  }

  @Test
  void servingTablesMatchTheSpecification() throws SQLException {
    assertTable(
        "page_views",
        columns(
            "page", "text",
            "window_start", "timestamp with time zone",
            "window_end", "timestamp with time zone",
            "views", "bigint",
            "revision", "integer",
            "updated_at", "timestamp with time zone",
            "page_key", "bytea"),
        List.of("page_key", "window_start"));
    assertTable(
        "unique_visitors",
        columns(
            "window_start", "timestamp with time zone",
            "window_end", "timestamp with time zone",
            "visitors", "bigint",
            "sketch", "bytea",
            "revision", "integer",
            "updated_at", "timestamp with time zone"),
        List.of("window_start"));
    assertTable(
        "fraud_alerts",
        columns(
            "alert_id", "text",
            "user_id", "text",
            "txn_id", "text",
            "txn_ts", "timestamp with time zone",
            "countries", "ARRAY",
            "detected_at", "timestamp with time zone",
            "alert_key", "bytea"),
        List.of("alert_key"));
  }

  @Test
  void offsetAndCheckpointTablesAreKeyedByPipelineTopicPartition() throws SQLException {
    assertTable(
        "input_offsets",
        columns(
            "pipeline", "text", "topic", "text", "partition", "integer", "next_offset", "bigint"),
        List.of("pipeline", "topic", "partition"));
    assertTable(
        "window_checkpoints",
        columns(
            "pipeline", "text",
            "topic", "text",
            "partition", "integer",
            "snapshot", "bytea",
            "updated_at", "timestamp with time zone"),
        List.of("pipeline", "topic", "partition"));
  }

  @Test
  void projectionAndJournalTablesOfThePekkoPluginsExist() throws SQLException {
    assertTable(
        "pekko_projection_offset_store",
        columns(
            "projection_name", "character varying",
            "projection_key", "character varying",
            "current_offset", "character varying",
            "manifest", "character varying",
            "mergeable", "boolean",
            "last_updated", "bigint"),
        List.of("projection_name", "projection_key"));
    assertTable(
        "pekko_projection_management",
        columns(
            "projection_name", "character varying",
            "projection_key", "character varying",
            "paused", "boolean",
            "last_updated", "bigint"),
        List.of("projection_name", "projection_key"));
    assertEquals(List.of("persistence_id", "sequence_number"), primaryKey("event_journal"));
    assertEquals(List.of("event_id", "tag"), primaryKey("event_tag"));
    assertEquals(List.of("persistence_id", "sequence_number"), primaryKey("snapshot"));
    assertEquals(List.of("persistence_id"), primaryKey("durable_state"));
    assertTrue(columnTypes("event_journal").containsKey("ordering"));
    assertEquals("bytea", columnTypes("event_journal").get("event_payload"));
    assertEquals("bytea", columnTypes("durable_state").get("state_payload"));
  }

  private static Map<String, String> columns(String... namesAndTypes) {
    Map<String, String> result = new LinkedHashMap<>();
    for (int i = 0; i < namesAndTypes.length; i += 2) {
      result.put(namesAndTypes[i], namesAndTypes[i + 1]);
    }
    return result;
  }

  private static void assertTable(String table, Map<String, String> columns, List<String> key)
      throws SQLException {
    assertEquals(columns, columnTypes(table), table + " columns");
    assertEquals(key, primaryKey(table), table + " primary key");
  }

  private static Map<String, String> columnTypes(String table) throws SQLException {
    Map<String, String> result = new LinkedHashMap<>();
    query(
        "SELECT column_name, data_type FROM information_schema.columns"
            + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        table,
        rs -> result.put(rs.getString(1), rs.getString(2)));
    return result;
  }

  private static List<String> primaryKey(String table) throws SQLException {
    List<String> result = new ArrayList<>();
    query(
        "SELECT k.column_name FROM information_schema.table_constraints t"
            + " JOIN information_schema.key_column_usage k"
            + " ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema"
            + " WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = ? AND t.table_name = ?"
            + " ORDER BY k.ordinal_position",
        table,
        rs -> result.add(rs.getString(1)));
    return result;
  }

  private interface Row {
    void accept(ResultSet rs) throws SQLException;
  }

  private static void query(String sql, String table, Row row) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, SCHEMA);
      s.setString(2, table);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          row.accept(rs);
        }
      }
    }
  }
}
