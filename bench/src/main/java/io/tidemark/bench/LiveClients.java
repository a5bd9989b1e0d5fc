package io.tidemark.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WebSocket clients of {@link LiveClientsBench}, in a process of their own as browsers would
 * be: N-1 clients that read every frame of {@code /ws/live} and one that never reads. Driven
 * through standard input, one command a line, answering on standard output:
 *
 * <ul>
 *   <li>{@code connect <ws-uri> <n>}: opens the n connections; answers {@code connected <n>}
 *   <li>{@code disconnect}: closes them; answers {@code counts <frames> <messages> <readers>
 *       <closed>} (frames and messages read by all readers, readers closed by the server)
 *   <li>{@code cpu}: answers {@code cpu <nanos>}, the CPU time of this process so far
 * </ul>
 *
 * Ends at the end of its input.
 */
public final class LiveClients {

  private final List<HttpClient> https = new ArrayList<>();
  private final List<Reader> readers = new ArrayList<>();
  private Socket stalled;

  private LiveClients() {
    // connections are read on one selector thread per client: spread them over a few
    for (int i = 0; i < 4; i++) {
      https.add(HttpClient.newHttpClient());
    }
  }

  public static void main(String[] args) throws Exception {
    LiveClients clients = new LiveClients();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] command = line.trim().split(" ");
      String answer =
          switch (command[0]) {
            case "connect" -> clients.connect(URI.create(command[1]), Integer.parseInt(command[2]));
            case "disconnect" -> clients.disconnect();
            case "cpu" -> "cpu " + cpuNanos();
            default -> "unknown " + line;
          };
      System.out.println(answer);
      System.out.flush();
    }
    System.exit(0);
  }

  private String connect(URI uri, int n) throws Exception {
    stalled = stall(uri);
    List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
    for (int i = 1; i < n; i++) {
      Reader reader = new Reader();
      readers.add(reader);
      opening.add(
          https
              .get(i % https.size())
              .newWebSocketBuilder()
              .buildAsync(uri, reader)
              .thenApply(socket -> reader.socket = socket));
    }
    CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    return "connected " + n;
  }

  private String disconnect() throws IOException {
    long frames = readers.stream().mapToLong(r -> r.frames.get()).sum();
    long messages = readers.stream().mapToLong(r -> r.messages.get()).sum();
    long closed = readers.stream().filter(r -> r.closed.get()).count();
    int count = readers.size();
    readers.forEach(r -> r.socket.abort());
    readers.clear();
    stalled.close();
    return "counts " + frames + " " + messages + " " + count + " " + closed;
  }

  /**
   * A client that opens the WebSocket by hand on a socket with a small receive buffer and then
   * reads nothing.
   */
  private static Socket stall(URI uri) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET "
                + uri.getPath()
                + " HTTP/1.1\r\nHost: "
                + uri.getHost()
                + ":"
                + uri.getPort()
                + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Reads every frame; counts frames, and messages by their {@code "type"} fields. */
  private static final class Reader implements WebSocket.Listener {
    final AtomicLong frames = new AtomicLong();
    final AtomicLong messages = new AtomicLong();
    final AtomicBoolean closed = new AtomicBoolean();
    volatile WebSocket socket;

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      messages.addAndGet(count(data));
      if (last) {
        frames.incrementAndGet();
      }
      webSocket.request(1);
      return null;
    }

    private static int count(CharSequence data) {
      String text = data.toString();
      int n = 0;
      for (int i = text.indexOf("\"type\""); i >= 0; i = text.indexOf("\"type\"", i + 6)) {
        n++;
      }
      return n;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.set(true);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.set(true);
    }
  }
}
