package io.tidemark.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpSettingsTest {

  @Test
  void referenceDefaults() {
    HttpSettings settings = HttpSettings.create(ConfigFactory.defaultReference());
    assertEquals("0.0.0.0", settings.iface());
    assertEquals(8080, settings.port());
    assertEquals("", settings.adminToken());
    assertEquals(Duration.ofDays(31), settings.maxRange());
    assertEquals(500, settings.webSocket().maxClients());
    assertEquals(64, settings.webSocket().clientBuffer());
    assertEquals(List.of(), settings.webSocket().allowedOrigins());
  }

  @Test
  void overridesAreRead() {
    HttpSettings settings =
        HttpSettings.create(
            ConfigFactory.parseString(
                    "tidemark.http { port = 9090, admin-token = t,"
                        + " websocket { max-clients = 3, allowed-origins = [\"https://a\"] } }")
                .withFallback(ConfigFactory.defaultReference()));
    assertEquals(9090, settings.port());
    assertEquals("t", settings.adminToken());
    assertEquals(3, settings.webSocket().maxClients());
    assertEquals(List.of("https://a"), settings.webSocket().allowedOrigins());
  }

  @Test
  void invalidValuesAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            HttpSettings.create(
                ConfigFactory.parseString("tidemark.http.websocket.client-buffer = 0")
                    .withFallback(ConfigFactory.defaultReference())));
  }
}
