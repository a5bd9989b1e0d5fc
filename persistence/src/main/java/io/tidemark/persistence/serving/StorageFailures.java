package io.tidemark.persistence.serving;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Tells a database failure that can heal by itself (try the same transaction again later) from one
 * that cannot (trying again gives the same error forever). Judged by SQLSTATE, the way PostgreSQL
 * documents its error codes, over the whole chain of causes and next exceptions.
 *
 * <p>Heals: connection exceptions (class {@code 08}), serialization failures ({@code 40001}),
 * deadlocks ({@code 40P01}), lock timeouts ({@code 55P03}), a statement cancelled by its timeout
 * ({@code 57014}), an administrator's or a crash's shutdown ({@code 57P01}, {@code 57P02}, {@code
 * 57P03}), insufficient resources (class {@code 53}: disk full, out of memory, too many
 * connections), and whatever the driver or the pool reports as transient or recoverable (a pool
 * that had no connection in time). Everything else (a constraint, a value the column cannot hold, a
 * missing table, a permission) is permanent.
 */
public final class StorageFailures {

  private static final Set<String> HEALING_STATES =
      Set.of("40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03");

  /** Causes looked at, at most: a chain that loops must not hang the committer. */
  private static final int MAX_DEPTH = 32;

  private StorageFailures() {}

  /** True when trying the same transaction again may succeed. */
  public static boolean canHeal(SQLException failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth++ < MAX_DEPTH; t = next(t)) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql && healingState(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** The SQLSTATE of the failure or of the first cause that has one, or "unknown". */
  public static String state(SQLException failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth++ < MAX_DEPTH; t = next(t)) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return "unknown";
  }

  private static boolean healingState(String state) {
    return state != null
        && (state.startsWith("08") || state.startsWith("53") || HEALING_STATES.contains(state));
  }

  private static Throwable next(Throwable t) {
    if (t instanceof SQLException sql && sql.getNextException() != null) {
      return sql.getNextException();
    }
    return t.getCause() == t ? null : t.getCause();
  }
}
