package io.tidemark.service.replay;

import io.tidemark.persistence.fraud.Decision;
import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.persistence.fraud.FraudRule;
import io.tidemark.persistence.fraud.FraudSettings;
import io.tidemark.persistence.fraud.FraudState;
import io.tidemark.streams.event.DeadLetter;
import io.tidemark.streams.event.Decoded;
import io.tidemark.streams.event.EventCodec;
import io.tidemark.streams.event.Reason;
import io.tidemark.streams.event.Transaction;
import io.tidemark.streams.io.JsonLines;
import io.tidemark.streams.io.Line;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Runs the fraud rule over a JSON-lines file of transactions: the same decoder and the same pure
 * rule as the per-user entity, with each user's state kept in a map instead of a journal.
 *
 * <p>Single-use; all state is written by the stream's single sink stage and read after completion.
 */
final class FraudReplay {

  static final String SOURCE = "transactions";

  final ComputationCounts counts = new ComputationCounts();
  final List<FraudAlert> alerts = new ArrayList<>();
  final List<DeadLetter> deadLetters = new ArrayList<>();
  final AtomicLong progress = new AtomicLong();

  private final FraudSettings settings;
  private final Map<String, FraudState> users = new HashMap<>();

  FraudReplay(FraudSettings settings) {
    this.settings = settings;
  }

  /** Replays {@code file} as partition 0, in file order (Kafka keeps per-user order). */
  CompletionStage<Done> run(Path file, ActorSystem<?> system) {
    return JsonLines.source(file).runWith(Sink.foreach(this::onLine), system);
  }

  private void onLine(Line line) {
    progress.lazySet(line.offset() + 1);
    counts.consumed++;
    Decoded<Transaction> decoded = EventCodec.decodeTransaction(line.bytes());
    if (decoded instanceof Decoded.Invalid<Transaction> invalid) {
      counts.deadLetter(invalid.reason());
      deadLetters.add(invalid.toDeadLetter(SOURCE, 0, line.offset(), line.bytes()));
      return;
    }
    Transaction txn = ((Decoded.Valid<Transaction>) decoded).value();
    FraudState state = users.getOrDefault(txn.userId(), FraudState.empty());
    Decision decision = FraudRule.decide(state, txn, settings);
    if (decision instanceof Decision.Accepted accepted) {
      counts.counted++;
      users.put(txn.userId(), state.apply(accepted.event()));
      alerts.addAll(accepted.alerts());
    } else if (decision instanceof Decision.Duplicate) {
      counts.duplicates++;
    } else if (decision instanceof Decision.TooLate late) {
      counts.deadLetter(Reason.TOO_LATE);
      deadLetters.add(
          DeadLetter.of(SOURCE, 0, line.offset(), Reason.TOO_LATE, late.detail(), line.bytes()));
    }
  }
}
