package io.tidemark.persistence.journal;

import java.sql.SQLException;
import java.sql.SQLTransientException;

/** Which database errors may heal by themselves, so that the same statement is worth retrying. */
final class SqlErrors {

  private SqlErrors() {}

  /**
   * Connection loss (class 08), serialization failure (40001), deadlock (40P01), lack of resources
   * (class 53), an operator's shutdown (class 57P), lock or statement timeouts (55P03, 57014), and
   * the pool's own timeouts. Anything else (a constraint, a value the column cannot hold) fails
   * again the same way.
   */
  static boolean mayHeal(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08")
            || state.startsWith("53")
            || state.startsWith("57P")
            || state.equals("40001")
            || state.equals("40P01")
            || state.equals("55P03")
            || state.equals("57014")) {
          return true;
        }
      }
    }
    return false;
  }
}
