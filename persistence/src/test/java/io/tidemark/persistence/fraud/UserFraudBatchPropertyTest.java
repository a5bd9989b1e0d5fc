package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidemark.persistence.fraud.UserFraud.Command;
import io.tidemark.persistence.fraud.UserFraud.Event;
import io.tidemark.persistence.fraud.UserFraud.Item;
import io.tidemark.persistence.fraud.UserFraud.Process;
import io.tidemark.persistence.fraud.UserFraud.ProcessAll;
import io.tidemark.persistence.fraud.UserFraud.Processed;
import io.tidemark.persistence.fraud.UserFraud.ProcessedAll;
import io.tidemark.persistence.fraud.UserFraud.State;
import io.tidemark.streams.event.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/**
 * {@link ProcessAll} against {@link Process}: the random delivery histories of {@link
 * UserFraudPropertyTest} (disorder, too-late transactions, redeliveries, true duplicates, restarts)
 * are cut into random batches; one entity gets every record alone, another gets each batch in one
 * command. Every batch's replies must be the single replies of its items, in order, and both
 * entities must hold the same state after every batch and every recovery, the batched one having
 * persisted its accepted items in one write per batch.
 */
class UserFraudBatchPropertyTest {

  private static final AtomicInteger USERS = new AtomicInteger();
  private static ActorTestKit testKit;

  @BeforeContainer
  static void startActorSystem() {
    testKit =
        ActorTestKit.create("UserFraudBatchPropertyTest", EventSourcedBehaviorTestKit.config());
  }

  @AfterContainer
  static void stopActorSystem() {
    testKit.shutdownTestKit();
  }

  /** A history and the sizes of its batches, used in turn (a restart also ends a batch). */
  record Batched(UserFraudPropertyTest.History history, List<Integer> sizes) {}

  @Property(tries = 60)
  void batchesAnswerAsTheirItemsOneByOne(@ForAll("batchedHistories") Batched batched) {
    String userId = "u-" + USERS.incrementAndGet();
    UserFraudSettings settings =
        UserFraudSettings.defaults().withSnapshotEvery(batched.history().snapshotEvery());
    EventSourcedBehaviorTestKit<Command, Event, State> single =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), UserFraud.create(userId + "-single", settings));
    EventSourcedBehaviorTestKit<Command, Event, State> batch =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), UserFraud.create(userId + "-batch", settings));

    List<List<Item>> runs = runs(batched.history().steps(), userId);
    int size = 0;
    for (List<Item> run : runs) {
      if (run.isEmpty()) {
        assertEquals(single.restart().state(), batch.restart().state(), "recovered states");
        continue;
      }
      for (int from = 0; from < run.size(); ) {
        int to = Math.min(run.size(), from + batched.sizes().get(size++ % batched.sizes().size()));
        List<Item> items = run.subList(from, to);
        List<Processed> expected = new ArrayList<>();
        int accepted = 0;
        for (Item item : items) {
          var result =
              single.<Processed>runCommand(
                  replyTo -> new Process(item.txn(), item.offset(), replyTo));
          expected.add(result.reply());
          accepted += result.events().size();
        }
        var result = batch.<ProcessedAll>runCommand(replyTo -> new ProcessAll(items, replyTo));

        assertEquals(expected, result.reply().replies(), () -> "replies to " + items);
        assertEquals(accepted, result.events().size(), "events persisted by the batch");
        assertEquals(single.getState(), result.state(), "state after the batch");
        Statistics.label("batch size").collect(items.size());
        from = to;
      }
    }
  }

  @Provide
  Arbitrary<Batched> batchedHistories() {
    return Combinators.combine(
            new UserFraudPropertyTest().histories(),
            Arbitraries.integers().between(1, 8).list().ofMinSize(1).ofMaxSize(10))
        .as(Batched::new);
  }

  /**
   * The records the steps deliver (offsets and repeats as in {@link UserFraudPropertyTest}), in
   * runs between restarts; an empty run stands for a restart.
   */
  private static List<List<Item>> runs(List<UserFraudPropertyTest.Step> steps, String userId) {
    List<List<Item>> runs = new ArrayList<>();
    List<Item> run = new ArrayList<>();
    List<Transaction> records = new ArrayList<>();
    for (UserFraudPropertyTest.Step step : steps) {
      if (step instanceof UserFraudPropertyTest.Restart) {
        if (!run.isEmpty()) {
          runs.add(run);
          run = new ArrayList<>();
        }
        runs.add(List.of());
      } else if (step instanceof UserFraudPropertyTest.Deliver deliver) {
        Transaction txn = UserFraudPropertyTest.withUser(deliver.txn(), userId);
        run.add(new Item(txn, records.size()));
        records.add(txn);
      } else if (step instanceof UserFraudPropertyTest.Redeliver redeliver) {
        int offset = redeliver.index() % records.size();
        run.add(new Item(records.get(offset), offset));
      } else {
        Transaction txn =
            records.get(((UserFraudPropertyTest.Duplicate) step).index() % records.size());
        run.add(new Item(txn, records.size()));
        records.add(txn);
      }
    }
    if (!run.isEmpty()) {
      runs.add(run);
    }
    return runs;
  }
}
