package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.http.metrics.TidemarkMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * 200 clients on {@code /ws/live} of a running service, one of which never reads: the server drops
 * that one (closes its connection) while the other 199 keep receiving, the pipeline keeps
 * committing and the heap stays bounded.
 */
class LiveClientsIT {

  static final int CLIENTS = 200;
  static final Duration DEADLINE = Duration.ofSeconds(100);

  /**
   * Window messages per second on the feed: 200 clients share the test machine's cores with the
   * service, Kafka and the 199 readers in this JVM, so the feed runs at a quarter of the demo's.
   */
  static final int READER_RATE = 50;

  /**
   * Frames the server buffers per client: with about 6 frames a second (the windows of each flush
   * in one frame, stats every second), the default 64 would take the stalled client a while.
   */
  static final int CLIENT_BUFFER = 16;

  @Test
  void slowClientIsDroppedWhileOthersAndThePipelineGoOn() throws Exception {
    try (LiveService service =
            LiveService.start(
                500,
                Map.of(
                    "tidemark.http.live-windows.max-per-interval",
                    READER_RATE / 5,
                    "tidemark.http.websocket.client-buffer",
                    CLIENT_BUFFER));
        SlowClient slow = SlowClient.connect(service.uri("/ws/live"))) {
      TidemarkMetrics metrics = service.runtime.http().metrics();
      // several clients: each reads its connections on one selector thread
      List<HttpClient> https = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        https.add(HttpClient.newHttpClient());
      }
      List<Reader> readers = new ArrayList<>();
      for (int i = 1; i < CLIENTS; i++) {
        readers.add(Reader.connect(https.get(i % https.size()), ws(service.uri("/ws/live"))));
      }
      Await.until(
          DEADLINE,
          () -> metrics.webSocketClientsDropped().value() >= 1,
          () -> "slow client still connected; clients " + metrics.webSocketClients().value());
      Await.until(
          DEADLINE,
          () -> metrics.webSocketClients().value() == CLIENTS - 1,
          () -> "clients open: " + metrics.webSocketClients().value());
      assertEquals(1, metrics.webSocketClientsDropped().value(), "only the slow client dropped");
      long commitsAtDrop = service.runtime.metrics().commits();
      long[] receivedAtDrop = readers.stream().mapToLong(r -> r.received.get()).toArray();

      // every reader keeps receiving after the drop
      Await.until(
          DEADLINE,
          () -> {
            for (int i = 0; i < readers.size(); i++) {
              if (readers.get(i).received.get() <= receivedAtDrop[i] + 10) {
                return false;
              }
            }
            return true;
          },
          () -> "a reader stopped receiving");
      assertTrue(readers.stream().noneMatch(r -> r.closed.get()), "no reader was closed");
      assertEquals(CLIENTS - 1, metrics.webSocketClients().value(), "199 clients still open");
      Await.until(
          DEADLINE,
          () -> service.runtime.metrics().commits() > commitsAtDrop + 10,
          () -> "pipeline stopped committing at " + commitsAtDrop);

      // the server closed the slow client's connection: reading it now reaches the end
      assertTrue(slow.readsToTheEnd(DEADLINE), "slow client's connection closed by the server");

      System.gc();
      long usedMb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
      System.out.printf(
          "LiveClientsIT: %d readers, fewest frames %d, heap after GC %d MB%n",
          readers.size(),
          readers.stream().mapToLong(r -> r.received.get()).min().orElse(0),
          usedMb);
      assertTrue(usedMb < 768, "heap bounded: " + usedMb + " MB");
      readers.forEach(r -> r.socket.abort());
    }
  }

  static URI ws(URI http) {
    return URI.create(http.toString().replaceFirst("^http", "ws"));
  }

  /** A client that reads every frame, counting them. */
  static final class Reader implements WebSocket.Listener {
    final AtomicLong received = new AtomicLong();
    final AtomicBoolean closed = new AtomicBoolean();
    WebSocket socket;

    static Reader connect(HttpClient http, URI uri) throws Exception {
      Reader reader = new Reader();
      reader.socket = http.newWebSocketBuilder().buildAsync(uri, reader).get(30, TimeUnit.SECONDS);
      return reader;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      if (last) {
        received.incrementAndGet();
      }
      webSocket.request(1);
      return null;
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

  /**
   * A client that opens the WebSocket by hand on a socket with a small receive buffer and then
   * reads nothing, so the server's writes back up into its per-client buffer.
   */
  static final class SlowClient implements AutoCloseable {
    private final Socket socket;

    private SlowClient(Socket socket) {
      this.socket = socket;
    }

    static SlowClient connect(URI uri) throws IOException {
      Socket socket = new Socket();
      socket.setReceiveBufferSize(4096);
      socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
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
      return new SlowClient(socket);
    }

    /** Reads what the server sent until the end of the stream; false at the deadline. */
    boolean readsToTheEnd(Duration deadline) throws IOException {
      socket.setSoTimeout(1000);
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      long end = System.nanoTime() + deadline.toNanos();
      while (System.nanoTime() < end) {
        try {
          if (in.read(buffer) < 0) {
            return true;
          }
        } catch (SocketTimeoutException quiet) {
          // nothing yet; keep reading until the deadline
        } catch (IOException reset) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
