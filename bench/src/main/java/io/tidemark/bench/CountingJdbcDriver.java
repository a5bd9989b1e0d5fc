package io.tidemark.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * A JDBC driver in front of the PostgreSQL driver that counts what its connections send: database
 * transactions (commits, and statements run in auto-commit), statements executed, and how many of
 * those wrote the event journal. Given to pekko-persistence-jdbc's connection pool (its {@code
 * driver} and a {@code jdbc:tidemark-counting:postgresql://...} URL), it tells how many database
 * round trips the journal makes, separately from everything else on the same database (pg_stat
 * counters are per database, shared with every other client of it).
 *
 * <p>A journal write is a statement inserting into {@code event_journal} or {@code event_tag}; a
 * journal transaction is a committed transaction that ran at least one. Rows are counted from the
 * statements' update counts ({@code executeBatch} answers one per row).
 */
public final class CountingJdbcDriver implements Driver {

  /** URL prefix this driver accepts; the rest, after {@code jdbc:}, goes to PostgreSQL. */
  public static final String PREFIX = "jdbc:tidemark-counting:";

  private static final LongAdder COMMITS = new LongAdder();
  private static final LongAdder STATEMENTS = new LongAdder();
  private static final LongAdder JOURNAL_TRANSACTIONS = new LongAdder();
  private static final LongAdder JOURNAL_STATEMENTS = new LongAdder();
  private static final LongAdder JOURNAL_ROWS = new LongAdder();

  static {
    // Found by URL through DriverManager, as connection pools look drivers up.
    try {
      DriverManager.registerDriver(new CountingJdbcDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Driver postgres = new org.postgresql.Driver();

  /** Public for the pool, which instantiates the driver by class name. */
  public CountingJdbcDriver() {}

  /** A snapshot of the counters of every connection this driver opened. */
  public record Counts(
      long commits,
      long statements,
      long journalTransactions,
      long journalStatements,
      long journalRows) {

    /** The counts since {@code earlier}. */
    public Counts minus(Counts earlier) {
      return new Counts(
          commits - earlier.commits,
          statements - earlier.statements,
          journalTransactions - earlier.journalTransactions,
          journalStatements - earlier.journalStatements,
          journalRows - earlier.journalRows);
    }
  }

  /** The counters now. */
  public static Counts counts() {
    return new Counts(
        COMMITS.sum(),
        STATEMENTS.sum(),
        JOURNAL_TRANSACTIONS.sum(),
        JOURNAL_STATEMENTS.sum(),
        JOURNAL_ROWS.sum());
  }

  /** The URL of this driver in front of a PostgreSQL URL {@code jdbc:postgresql://...}. */
  public static String wrap(String postgresUrl) {
    if (!postgresUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException("not a JDBC URL: " + postgresUrl);
    }
    return PREFIX + postgresUrl.substring("jdbc:".length());
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    Connection connection = postgres.connect("jdbc:" + url.substring(PREFIX.length()), info);
    return (Connection)
        Proxy.newProxyInstance(
            CountingJdbcDriver.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new ConnectionHandler(connection));
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
    return postgres.getPropertyInfo("jdbc:" + url.substring(PREFIX.length()), info);
  }

  @Override
  public int getMajorVersion() {
    return postgres.getMajorVersion();
  }

  @Override
  public int getMinorVersion() {
    return postgres.getMinorVersion();
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no java.util.logging");
  }

  static boolean writesJournal(String sql) {
    if (sql == null) {
      return false;
    }
    String s = sql.toLowerCase(Locale.ROOT);
    return s.startsWith("insert") && (s.contains("event_journal") || s.contains("event_tag"));
  }

  static boolean writesJournalRows(String sql) {
    return writesJournal(sql) && sql.toLowerCase(Locale.ROOT).contains("event_journal");
  }

  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** One connection: whether its open transaction wrote the journal, and its auto-commit mode. */
  private static final class ConnectionHandler implements InvocationHandler {

    private final Connection connection;
    private boolean autoCommit = true;
    private boolean journalInTransaction;

    ConnectionHandler(Connection connection) {
      this.connection = connection;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      switch (name) {
        case "commit" -> {
          Object result = call(connection, method, args);
          COMMITS.increment();
          if (journalInTransaction) {
            JOURNAL_TRANSACTIONS.increment();
          }
          journalInTransaction = false;
          return result;
        }
        case "rollback" -> {
          journalInTransaction = false;
          return call(connection, method, args);
        }
        case "setAutoCommit" -> {
          Object result = call(connection, method, args);
          autoCommit = (Boolean) args[0];
          return result;
        }
        case "createStatement", "prepareStatement", "prepareCall" -> {
          Object statement = call(connection, method, args);
          String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : null;
          return Proxy.newProxyInstance(
              CountingJdbcDriver.class.getClassLoader(),
              new Class<?>[] {method.getReturnType()},
              new StatementHandler(this, statement, sql));
        }
        default -> {
          return call(connection, method, args);
        }
      }
    }

    void executed(String sql, long rows) {
      STATEMENTS.increment();
      boolean journal = writesJournal(sql);
      if (journal) {
        JOURNAL_STATEMENTS.increment();
        if (writesJournalRows(sql)) {
          JOURNAL_ROWS.add(rows);
        }
      }
      if (autoCommit) {
        COMMITS.increment();
        if (journal) {
          JOURNAL_TRANSACTIONS.increment();
        }
      } else if (journal) {
        journalInTransaction = true;
      }
    }
  }

  /** One statement: counts its executions on its connection. */
  private static final class StatementHandler implements InvocationHandler {

    private final ConnectionHandler connection;
    private final Object statement;
    private final String preparedSql;

    StatementHandler(ConnectionHandler connection, Object statement, String preparedSql) {
      this.connection = connection;
      this.statement = statement;
      this.preparedSql = preparedSql;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (!name.startsWith("execute")) {
        return call(statement, method, args);
      }
      Object result = call(statement, method, args);
      String sql =
          preparedSql != null
              ? preparedSql
              : args != null && args.length > 0 && args[0] instanceof String s ? s : null;
      long rows;
      if (result instanceof int[] counts) {
        rows = counts.length;
      } else if (result instanceof long[] counts) {
        rows = counts.length;
      } else if (result instanceof Integer n && name.startsWith("executeUpdate")) {
        rows = n;
      } else if (result instanceof Long n && name.startsWith("executeLargeUpdate")) {
        rows = n;
      } else {
        rows = 1;
      }
      connection.executed(sql, rows);
      return result;
    }
  }
}
