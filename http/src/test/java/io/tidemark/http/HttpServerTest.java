package io.tidemark.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.tidemark.http.health.HealthRoutes;
import io.tidemark.http.health.Readiness;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.Test;

class HttpServerTest {

  @Test
  void servesOnBoundPortUntilCoordinatedShutdown() throws Exception {
    ActorSystem system = ActorSystem.create("HttpServerTest");
    try {
      HttpSettings settings =
          HttpSettings.create(
              ConfigFactory.parseString("tidemark.http { interface = 127.0.0.1, port = 0 }")
                  .withFallback(ConfigFactory.defaultReference()));
      var routes =
          new ErrorHandling().wrap(new HealthRoutes(new Readiness(Duration.ofSeconds(1)))::routes);
      ServerBinding binding =
          HttpServer.start(system, settings, routes)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);

      String url = "http://127.0.0.1:" + binding.localAddress().getPort() + "/health/alive";
      HttpResponse response =
          Http.get(system)
              .singleRequest(HttpRequest.GET(url))
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      response.discardEntityBytes(system);
      assertEquals(200, response.status().intValue());
      Http.get(system).shutdownAllConnectionPools().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      TestKit.shutdownActorSystem(system);
    }
  }
}
