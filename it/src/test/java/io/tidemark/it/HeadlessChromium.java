package io.tidemark.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine's Chromium ({@code /usr/bin/chromium}, Debian package {@code chromium}) headless,
 * driven over the Chrome DevTools Protocol on a WebSocket: navigate, evaluate JavaScript in the
 * page, take screenshots. A missing browser is an error, never a skipped test.
 */
final class HeadlessChromium implements AutoCloseable {

  static final Path EXECUTABLE =
      Path.of(System.getProperty("tidemark.it.chromium", "/usr/bin/chromium"));

  private static final Pattern LISTENING =
      Pattern.compile("DevTools listening on (ws://[^/]+)/devtools/browser/\\S+");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** Starts the browser with one blank page of {@code width} x {@code height}. */
  static HeadlessChromium launch(int width, int height) throws Exception {
    if (!Files.isExecutable(EXECUTABLE)) {
      throw new IllegalStateException(
          EXECUTABLE + " is missing: install it with `apt-get install -y chromium` (.ci/run does)");
    }
    Path profile = Files.createTempDirectory("tidemark-chromium");
    List<String> command =
        new ArrayList<>(
            List.of(
                EXECUTABLE.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height,
                "--remote-debugging-port=0",
                "about:blank"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String endpoint = devToolsEndpoint(process);
    HttpClient http = HttpClient.newHttpClient();
    String httpBase = endpoint.replace("ws://", "http://");
    JsonNode targets =
        JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create(httpBase + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    String pageSocket = null;
    for (JsonNode target : targets) {
      if ("page".equals(target.path("type").asText())) {
        pageSocket = target.path("webSocketDebuggerUrl").asText();
      }
    }
    if (pageSocket == null) {
      process.destroyForcibly();
      throw new IllegalStateException("Chromium has no page target: " + targets);
    }
    HeadlessChromium[] self = new HeadlessChromium[1];
    WebSocket socket =
        http.newWebSocketBuilder()
            .buildAsync(URI.create(pageSocket), new Replies(reply -> self[0].onReply(reply)))
            .get(30, TimeUnit.SECONDS);
    self[0] = new HeadlessChromium(process, profile, socket);
    return self[0];
  }

  /** Reads the DevTools address the browser prints, draining its output afterwards. */
  private static String devToolsEndpoint(Process process) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Thread drain =
            new Thread(
                () -> {
                  try {
                    while (out.readLine() != null) {
                      // the browser's log is not needed once it listens
                    }
                  } catch (IOException ignored) {
                    // the browser stopped
                  }
                },
                "chromium-output");
        drain.setDaemon(true);
        drain.start();
        return m.group(1);
      }
      seen.add(line);
    }
    throw new IllegalStateException("Chromium exited without a DevTools endpoint: " + seen);
  }

  /** Opens {@code url} in the page. */
  void navigate(URI url) throws Exception {
    call("Page.navigate", Map.of("url", url.toString()));
  }

  /** The value of a JavaScript expression evaluated in the page (JSON-serializable values). */
  JsonNode evaluate(String expression) throws Exception {
    JsonNode reply =
        call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
    if (reply.has("exceptionDetails")) {
      throw new IllegalStateException(
          "JavaScript failed: " + expression + ": " + reply.get("exceptionDetails"));
    }
    return reply.path("result").path("value");
  }

  /** Writes a PNG screenshot of the page's viewport to {@code file}. */
  void screenshot(Path file) throws Exception {
    JsonNode reply = call("Page.captureScreenshot", Map.of("format", "png"));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(reply.path("data").asText()));
  }

  private JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    ObjectNode message = JSON.createObjectNode();
    message.put("id", id);
    message.put("method", method);
    message.set("params", JSON.valueToTree(params));
    socket.sendText(JSON.writeValueAsString(message), true).get(30, TimeUnit.SECONDS);
    JsonNode answer = reply.get(60, TimeUnit.SECONDS);
    if (answer.has("error")) {
      throw new IllegalStateException(method + " failed: " + answer.get("error"));
    }
    return answer.path("result");
  }

  private void onReply(String text) {
    try {
      JsonNode message = JSON.readTree(text);
      if (message.has("id")) {
        CompletableFuture<JsonNode> reply = pending.remove(message.get("id").asInt());
        if (reply != null) {
          reply.complete(message);
        }
      }
    } catch (IOException e) {
      pending.values().forEach(reply -> reply.completeExceptionally(e));
    }
  }

  @Override
  public void close() throws IOException {
    socket.abort();
    Processes.stop(process, Duration.ofSeconds(10));
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Reassembles the protocol's text messages, which may arrive in parts. */
  private static final class Replies implements WebSocket.Listener {
    private final java.util.function.Consumer<String> onMessage;
    private final StringBuilder parts = new StringBuilder();

    Replies(java.util.function.Consumer<String> onMessage) {
      this.onMessage = onMessage;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      parts.append(data);
      if (last) {
        String message = parts.toString();
        parts.setLength(0);
        onMessage.accept(message);
      }
      webSocket.request(1);
      return null;
    }
  }
}
