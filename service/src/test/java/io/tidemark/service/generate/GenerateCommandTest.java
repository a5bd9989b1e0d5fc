package io.tidemark.service.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.service.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {

  /** Exit code, stdout and stderr of one command-line run. */
  record Run(int exitCode, String out, String err) {}

  static Run tidemark(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exitCode = cli.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  @Test
  void writesBothFilesAndASummary(@TempDir Path dir) throws IOException {
    Run run =
        tidemark(
            "generate",
            "--out",
            dir.toString(),
            "--clicks",
            "3000",
            "--transactions",
            "500",
            "--seed",
            "3");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(3000, lines(dir.resolve("clicks.jsonl")));
    assertEquals(500, lines(dir.resolve("transactions.jsonl")));
    assertTrue(run.out().contains("clicks.jsonl: 3000 records, "), run.out());
    assertTrue(run.out().contains("transactions.jsonl: 500 records, "), run.out());
    assertTrue(run.out().contains("expected dead letters: MALFORMED_JSON "), run.out());
    assertTrue(run.out().contains("CLICK_IN_ORDER"), run.out());
    assertTrue(run.out().contains("event time 2024-11-2"), run.out());
    assertTrue(run.out().contains("total: 3500 records in "), run.out());
  }

  @Test
  void sameArgumentsWriteIdenticalFiles(@TempDir Path dir) throws IOException {
    for (String name : new String[] {"a", "b"}) {
      Run run =
          tidemark(
              "generate",
              "--out",
              dir.resolve(name).toString(),
              "--clicks",
              "2000",
              "--transactions",
              "300",
              "--bad-share",
              "0.1",
              "--start-ts",
              "2024-11-22T10:00:00Z");
      assertEquals(0, run.exitCode(), run.err());
    }
    for (String file : new String[] {"clicks.jsonl", "transactions.jsonl"}) {
      assertArrayEquals(
          Files.readAllBytes(dir.resolve("a").resolve(file)),
          Files.readAllBytes(dir.resolve("b").resolve(file)),
          file);
    }
  }

  @Test
  void fileRecordsAreTheGeneratorRecordsInOrder(@TempDir Path dir) throws IOException {
    Run run =
        tidemark("generate", "--out", dir.toString(), "--clicks", "1500", "--transactions", "200");
    assertEquals(0, run.exitCode(), run.err());

    Generator generator = new Generator(GeneratorSettings.defaults().withCounts(1500, 200));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    generator
        .clicks()
        .forEachRemaining(
            record -> {
              expected.writeBytes(record.value());
              expected.write('\n');
            });
    assertArrayEquals(expected.toByteArray(), Files.readAllBytes(dir.resolve("clicks.jsonl")));
  }

  @Test
  void rejectsAShareAboveOne(@TempDir Path dir) {
    Run run = tidemark("generate", "--out", dir.toString(), "--bad-share", "2");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("shares lie in [0, 1]"), run.err());
  }

  @Test
  void rejectsAStartThatIsNeitherMillisNorInstant(@TempDir Path dir) {
    Run run = tidemark("generate", "--out", dir.toString(), "--start-ts", "yesterday");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("neither epoch milliseconds nor an ISO-8601 instant"), run.err());
  }

  @Test
  void requiresAnOutputDirectory() {
    Run run = tidemark("generate", "--clicks", "10");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--out"), run.err());
  }

  private static long lines(Path file) throws IOException {
    long newlines = 0;
    for (byte b : Files.readAllBytes(file)) {
      newlines += b == '\n' ? 1 : 0;
    }
    return newlines;
  }
}
