package io.tidemark.persistence.fraud;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * {@link FraudRuleStore} in the {@code fraud_rule} table: one row, its {@code version} incremented
 * by every save in the same statement, so concurrent saves from two nodes get distinct versions in
 * commit order. Reads and writes run on the given executor, a pool for blocking work.
 */
public final class JdbcFraudRuleStore implements FraudRuleStore {

  private static final String SELECT =
      "SELECT version, window_ms, max_countries, allowed_lateness_ms FROM fraud_rule WHERE id = 1";
  private static final String UPSERT =
      "INSERT INTO fraud_rule"
          + " (id, window_ms, max_countries, allowed_lateness_ms, version, updated_at)"
          + " VALUES (1, ?, ?, ?, 1, now()) ON CONFLICT (id) DO UPDATE SET"
          + " window_ms = EXCLUDED.window_ms, max_countries = EXCLUDED.max_countries,"
          + " allowed_lateness_ms = EXCLUDED.allowed_lateness_ms,"
          + " version = fraud_rule.version + 1, updated_at = now()"
          + " RETURNING version";

  private final DataSource dataSource;
  private final Executor executor;

  public JdbcFraudRuleStore(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Optional<VersionedFraudRule>> load() {
    return CompletableFuture.supplyAsync(this::read, executor);
  }

  @Override
  public CompletionStage<VersionedFraudRule> save(FraudSettings settings) {
    return CompletableFuture.supplyAsync(() -> write(settings), executor);
  }

  private Optional<VersionedFraudRule> read() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(SELECT);
        ResultSet rows = statement.executeQuery()) {
      if (!rows.next()) {
        return Optional.empty();
      }
      return Optional.of(
          new VersionedFraudRule(
              rows.getLong(1),
              new FraudSettings(rows.getLong(2), rows.getInt(3), rows.getLong(4))));
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }

  private VersionedFraudRule write(FraudSettings settings) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(UPSERT)) {
      statement.setLong(1, settings.windowMillis());
      statement.setInt(2, settings.maxCountries());
      statement.setLong(3, settings.allowedLatenessMillis());
      try (ResultSet version = statement.executeQuery()) {
        version.next();
        return new VersionedFraudRule(version.getLong(1), settings);
      }
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }
}
