package io.tidemark.streams.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static ActorSystem system;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("JsonLinesTest");
  }

  @AfterAll
  static void stop() {
    TestKit.shutdownActorSystem(system);
  }

  @Test
  void splitsOnNewlineOnly() throws Exception {
    assertEquals(List.of("a", "b"), split("a\nb\n"));
    assertEquals(List.of("a", "b"), split("a\nb"));
    assertEquals(List.of("a\r", "b\r"), split("a\r\nb\r\n"));
    assertEquals(List.of("a\rb"), split("a\rb"));
  }

  @Test
  void finalEmptySegmentIsNotALine() throws Exception {
    assertEquals(List.of(), split(""));
    assertEquals(List.of(""), split("\n"));
    assertEquals(List.of("x"), split("x\n"));
  }

  @Test
  void emptyLinesInTheMiddleAreLines() throws Exception {
    assertEquals(List.of("a", "", "b"), split("a\n\nb\n"));
    assertEquals(List.of("", "", "c"), split("\n\nc"));
    assertEquals(List.of(" ", "\r"), split(" \n\r"));
  }

  @Test
  void linesAreNumberedFromZero() throws Exception {
    List<Line> lines = run(Source.single(ByteString.fromArray(utf8("a\n\nc\n"))));
    assertEquals(
        List.of(new Line(0, utf8("a")), new Line(1, utf8("")), new Line(2, utf8("c"))), lines);
  }

  @Test
  void anyChunkingGivesTheSameLines() throws Exception {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      byte[] content = randomContent(random, random.nextInt(300));
      List<ByteString> chunks = chunk(content, random);
      List<Line> lines = run(Source.from(chunks));
      assertEquals(naiveSplit(content), lines, "round " + round);
    }
  }

  @Test
  void handlesLinesLongerThanManyChunks() throws Exception {
    byte[] big = new byte[64 << 20]; // 64 MiB in one line, read in 256 KiB chunks
    Arrays.fill(big, (byte) 'x');
    big[0] = '{';
    big[big.length - 1] = '}';
    Path file = dir.resolve("big.jsonl");
    Files.write(file, concat(utf8("first\n"), big, utf8("\nlast")));

    List<Line> lines = runFile(file);

    assertEquals(3, lines.size());
    assertEquals(new Line(0, utf8("first")), lines.get(0));
    assertEquals(1, lines.get(1).offset());
    assertArrayEquals(big, lines.get(1).bytes());
    assertEquals(new Line(2, utf8("last")), lines.get(2));
  }

  @Test
  void readsAFileAndReportsBytesRead() throws Exception {
    Path file = dir.resolve("clicks.jsonl");
    String content = "{\"a\":1}\n\nnot json\r\n{\"b\":2}";
    Files.writeString(file, content);

    Pair<CompletionStage<IOResult>, CompletionStage<List<Line>>> result =
        JsonLines.source(file).toMat(Sink.seq(), Keep.both()).run(system);

    List<Line> lines = result.second().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(
        List.of(
            new Line(0, utf8("{\"a\":1}")),
            new Line(1, utf8("")),
            new Line(2, utf8("not json\r")),
            new Line(3, utf8("{\"b\":2}"))),
        lines);
    IOResult io = result.first().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(content.length(), io.count());
  }

  @Test
  void emitsOneLinePerDemandAndCompletesAfterTheLast() {
    Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<Line>> probes =
        TestSource.<ByteString>probe(system)
            .via(JsonLines.splitter())
            .toMat(TestSink.probe(system), Keep.both())
            .run(system);
    TestPublisher.Probe<ByteString> upstream = probes.first();
    TestSubscriber.Probe<Line> downstream = probes.second();

    downstream.request(1);
    upstream.sendNext(ByteString.fromString("a\nb\nc"));
    downstream.expectNext(new Line(0, utf8("a")));
    downstream.expectNoMessage(Duration.ofMillis(50));
    downstream.request(1);
    downstream.expectNext(new Line(1, utf8("b")));
    downstream.request(1);
    downstream.expectNoMessage(Duration.ofMillis(50)); // "c" is incomplete: needs more bytes
    upstream.sendNext(ByteString.fromString("d\n"));
    downstream.expectNext(new Line(2, utf8("cd")));
    upstream.sendNext(ByteString.fromString("tail"));
    upstream.sendComplete();
    downstream.request(5);
    downstream.expectNext(new Line(3, utf8("tail")));
    downstream.expectComplete();
  }

  @Test
  void upstreamFailureFailsTheStream() {
    Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<Line>> probes =
        TestSource.<ByteString>probe(system)
            .via(JsonLines.splitter())
            .toMat(TestSink.probe(system), Keep.both())
            .run(system);
    probes.second().request(1);
    IOException boom = new IOException("disk gone");
    probes.first().sendError(boom);
    assertEquals(boom, probes.second().expectError());
  }

  @Test
  void missingFileFailsTheStream() {
    CompletionStage<Done> done =
        JsonLines.source(dir.resolve("absent.jsonl")).runWith(Sink.ignore(), system);
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> done.toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertInstanceOf(NoSuchFileException.class, e.getCause());
  }

  @Test
  void sinkWritesEachElementFollowedByNewline() throws Exception {
    Path file = dir.resolve("out.jsonl");
    List<byte[]> elements = List.of(utf8("{\"a\":1}"), utf8(""), utf8("é"));

    IOResult io =
        Source.from(elements)
            .runWith(JsonLines.sink(file), system)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);

    assertEquals("{\"a\":1}\n\né\n", Files.readString(file));
    assertEquals(Files.size(file), io.count());
  }

  @Test
  void sinkOutputReadsBackAsTheSameLines() throws Exception {
    Path file = dir.resolve("roundtrip.jsonl");
    List<byte[]> elements = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      elements.add(utf8("{\"n\":" + i + "}"));
    }
    Source.from(elements)
        .runWith(JsonLines.sink(file), system)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);

    List<Line> lines = runFile(file);

    assertEquals(elements.size(), lines.size());
    for (int i = 0; i < elements.size(); i++) {
      assertEquals(new Line(i, elements.get(i)), lines.get(i));
    }
  }

  @Test
  void overwritesAnExistingFile() throws Exception {
    Path file = dir.resolve("again.jsonl");
    Files.writeString(file, "old content that is longer\n");
    Source.single(utf8("new"))
        .runWith(JsonLines.sink(file), system)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    assertEquals("new\n", Files.readString(file));
  }

  // ---- helpers ----

  private List<String> split(String content) throws Exception {
    List<String> out = new ArrayList<>();
    for (Line line : run(Source.single(ByteString.fromArray(utf8(content))))) {
      out.add(new String(line.bytes(), StandardCharsets.UTF_8));
    }
    return out;
  }

  private List<Line> run(Source<ByteString, ?> source) throws Exception {
    return source
        .via(JsonLines.splitter())
        .runWith(Sink.seq(), system)
        .toCompletableFuture()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private List<Line> runFile(Path file) throws Exception {
    return JsonLines.source(file)
        .runWith(Sink.seq(), system)
        .toCompletableFuture()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** The model: split on every '\n'; the segment after the last one is a line unless empty. */
  private static List<Line> naiveSplit(byte[] content) {
    List<Line> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < content.length; i++) {
      if (content[i] == '\n') {
        lines.add(new Line(lines.size(), Arrays.copyOfRange(content, start, i)));
        start = i + 1;
      }
    }
    if (start < content.length) {
      lines.add(new Line(lines.size(), Arrays.copyOfRange(content, start, content.length)));
    }
    return lines;
  }

  private static byte[] randomContent(Random random, int length) {
    byte[] content = new byte[length];
    byte[] alphabet = {'\n', '\n', '\r', 'a', '{', '}', (byte) 0xC3, 0};
    for (int i = 0; i < length; i++) {
      content[i] =
          random.nextInt(4) == 0
              ? alphabet[random.nextInt(alphabet.length)]
              : (byte) random.nextInt(256);
    }
    return content;
  }

  private static List<ByteString> chunk(byte[] content, Random random) {
    List<ByteString> chunks = new ArrayList<>();
    int at = 0;
    while (at < content.length) {
      int size = Math.min(content.length - at, random.nextInt(20)); // empty chunks too
      chunks.add(ByteString.fromArray(content, at, size));
      at += size;
    }
    return chunks;
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
