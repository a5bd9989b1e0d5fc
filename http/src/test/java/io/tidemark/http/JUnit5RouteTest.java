package io.tidemark.http;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.apache.pekko.http.javadsl.testkit.RouteTest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SystemMaterializer;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import scala.concurrent.Future;

/**
 * The pekko-http Java route testkit under JUnit 5: pekko-http-testkit 1.3.0 ships only the JUnit 4
 * {@code JUnitRouteTest}, so this base class provides the actor system per test class and reports
 * the testkit's assertions through JUnit 5.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class JUnit5RouteTest extends RouteTest {

  private ActorSystem system;
  private Materializer materializer;

  @BeforeAll
  void startActorSystem() {
    system = ActorSystem.create(getClass().getSimpleName(), ConfigFactory.load());
    materializer = SystemMaterializer.get(system).materializer();
  }

  @AfterAll
  void stopActorSystem() {
    TestKit.shutdownActorSystem(system);
  }

  @Override
  public ActorSystem system() {
    return system;
  }

  @Override
  public Materializer materializer() {
    return materializer;
  }

  @Override
  public TestRouteResult createTestRouteResultAsync(
      HttpRequest request, Future<RouteResult> result) {
    return new TestRouteResult(result, awaitDuration(), system.dispatcher(), materializer) {
      @Override
      public void fail(String message) {
        Assertions.fail(message);
      }

      @Override
      public void assertEquals(Object expected, Object actual, String message) {
        Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertEquals(int expected, int actual, String message) {
        Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertTrue(boolean predicate, String message) {
        Assertions.assertTrue(predicate, message);
      }
    };
  }
}
