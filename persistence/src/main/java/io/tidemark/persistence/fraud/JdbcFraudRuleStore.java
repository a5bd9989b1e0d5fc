package io.tidemark.persistence.fraud;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * {@link FraudRuleStore} in the {@code fraud_rule} table (one row; without it the configured
 * defaults apply). The parameters in force are cached in memory; reads and writes of the table run
 * on the given executor, a pool for blocking work.
 */
public final class JdbcFraudRuleStore implements FraudRuleStore {

  private static final String SELECT =
      "SELECT window_ms, max_countries, allowed_lateness_ms FROM fraud_rule WHERE id = 1";
  private static final String UPSERT =
      "INSERT INTO fraud_rule (id, window_ms, max_countries, allowed_lateness_ms, updated_at)"
          + " VALUES (1, ?, ?, ?, now()) ON CONFLICT (id) DO UPDATE SET"
          + " window_ms = EXCLUDED.window_ms, max_countries = EXCLUDED.max_countries,"
          + " allowed_lateness_ms = EXCLUDED.allowed_lateness_ms, updated_at = now()";

  private final DataSource dataSource;
  private final Executor executor;
  private final FraudSettings defaults;
  private final List<Consumer<FraudSettings>> listeners = new CopyOnWriteArrayList<>();
  private volatile FraudSettings current;

  private JdbcFraudRuleStore(DataSource dataSource, Executor executor, FraudSettings defaults) {
    this.dataSource = dataSource;
    this.executor = executor;
    this.defaults = defaults;
    this.current = defaults;
  }

  /**
   * Opens the store and reads the stored parameters (blocking, once).
   *
   * @param defaults the parameters in force while the table holds none (configuration)
   */
  public static JdbcFraudRuleStore open(
      DataSource dataSource, Executor executor, FraudSettings defaults) {
    JdbcFraudRuleStore store = new JdbcFraudRuleStore(dataSource, executor, defaults);
    store.current = store.read();
    return store;
  }

  @Override
  public FraudSettings current() {
    return current;
  }

  @Override
  public CompletionStage<FraudSettings> update(FraudSettings settings) {
    return CompletableFuture.supplyAsync(
        () -> {
          write(settings);
          changed(settings);
          return settings;
        },
        executor);
  }

  @Override
  public CompletionStage<FraudSettings> refresh() {
    return CompletableFuture.supplyAsync(
        () -> {
          FraudSettings read = read();
          if (!read.equals(current)) {
            changed(read);
          }
          return read;
        },
        executor);
  }

  @Override
  public void addListener(Consumer<FraudSettings> listener) {
    listeners.add(listener);
  }

  private synchronized void changed(FraudSettings settings) {
    current = settings;
    listeners.forEach(listener -> listener.accept(settings));
  }

  private FraudSettings read() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(SELECT);
        ResultSet rows = statement.executeQuery()) {
      if (!rows.next()) {
        return defaults;
      }
      return new FraudSettings(rows.getLong(1), rows.getInt(2), rows.getLong(3));
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }

  private void write(FraudSettings settings) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(UPSERT)) {
      statement.setLong(1, settings.windowMillis());
      statement.setInt(2, settings.maxCountries());
      statement.setLong(3, settings.allowedLatenessMillis());
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }
}
