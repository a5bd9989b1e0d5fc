package io.tidemark.service.fraud;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.japi.function.Creator;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * How the fraud side runs its Kafka streams: built anew by {@code factory} after a failure, with
 * the pipeline's restart backoff, until the kill switch stops it; the completion says when it has.
 */
final class RestartingStream {

  private RestartingStream() {}

  static <T> Pair<UniqueKillSwitch, CompletionStage<Done>> run(
      ActorSystem<?> system, FraudPipelineSettings settings, Creator<Source<T, ?>> factory) {
    return RestartSource.onFailuresWithBackoff(
            RestartSettings.create(settings.restartMinBackoff(), settings.restartMaxBackoff(), 0.2),
            factory)
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.ignore(), Keep.both())
        .run(system);
  }
}
