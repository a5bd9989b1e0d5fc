package io.tidemark.service.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

  @Test
  void demoDatabaseReachesEverySubstitution() {
    Config config =
        DemoCommand.withOverrides(
            Map.of(
                "tidemark.db.url", "jdbc:postgresql://localhost:45678/postgres",
                "tidemark.db.user", "demo-user"));
    String journal = "tidemark.journal.";
    assertEquals("jdbc:postgresql://localhost:45678/postgres", config.getString("tidemark.db.url"));
    assertEquals(
        "jdbc:postgresql://localhost:45678/postgres",
        config.getString(journal + "url"),
        "the fraud entities' journal uses the demo's database");
    assertEquals("demo-user", config.getString(journal + "user"));
  }
}
