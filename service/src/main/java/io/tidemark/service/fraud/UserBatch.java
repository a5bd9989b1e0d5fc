package io.tidemark.service.fraud;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A micro-batch of consumed records split by user: the output of each record is either known at
 * once (a bad record's dead letter) or comes from its user's entity, asked once for all of that
 * user's records of the batch, in their order. The batch hands out one {@link Group} per user (and
 * one without records when no record needs an ask); the groups are asked concurrently and go on in
 * order, and the last one carries the outputs of the whole batch in record order.
 *
 * <p>Lives in one stream: built by one stage, filled by the asks' callbacks (each group its own
 * positions), read by the stage after the ordered asks, which sees the last group only after all
 * others have completed.
 *
 * @param <R> what an ask needs of a record
 * @param <O> a record's output
 */
final class UserBatch<R, O> {

  private final List<O> outputs;

  private UserBatch(int size) {
    this.outputs = new ArrayList<>(Collections.nCopies(size, null));
  }

  /** Starts a batch; add its records in order. */
  static <R, O> Builder<R, O> builder() {
    return new Builder<>();
  }

  /** Collects the records of a batch in their order. */
  static final class Builder<R, O> {
    private final List<O> known = new ArrayList<>();
    private final Map<String, List<Integer>> positions = new LinkedHashMap<>();
    private final Map<String, List<R>> records = new LinkedHashMap<>();

    /** The next record, whose output is known without asking. */
    Builder<R, O> known(O output) {
      known.add(Objects.requireNonNull(output, "output"));
      return this;
    }

    /** The next record, to be asked of {@code userId}'s entity. */
    Builder<R, O> ask(String userId, R record) {
      positions.computeIfAbsent(userId, u -> new ArrayList<>()).add(known.size());
      records.computeIfAbsent(userId, u -> new ArrayList<>()).add(record);
      known.add(null);
      return this;
    }

    /** One group per user in order of first appearance, or one empty group if there is none. */
    List<Group<R, O>> build() {
      UserBatch<R, O> batch = new UserBatch<>(known.size());
      for (int i = 0; i < known.size(); i++) {
        batch.outputs.set(i, known.get(i));
      }
      List<Group<R, O>> groups = new ArrayList<>();
      int last = Math.max(1, positions.size()) - 1;
      for (String userId : positions.keySet()) {
        groups.add(
            new Group<>(
                batch, userId, positions.get(userId), records.get(userId), groups.size() == last));
      }
      if (groups.isEmpty()) {
        groups.add(new Group<>(batch, "", List.of(), List.of(), true));
      }
      return groups;
    }
  }

  /**
   * The records of one user in a batch.
   *
   * @param userId the user; empty for the group of a batch without asks
   * @param records what to ask, in input order; empty only in a batch without asks
   * @param last whether this is the batch's last group, which {@link #emit()}s its outputs
   */
  record Group<R, O>(
      UserBatch<R, O> batch,
      String userId,
      List<Integer> positions,
      List<R> records,
      boolean last) {

    /** Sets the outputs of this group's records, one per record in order. */
    Group<R, O> fill(List<O> replies) {
      if (replies.size() != positions.size()) {
        throw new IllegalStateException(
            replies.size() + " replies for " + positions.size() + " records of " + userId);
      }
      for (int i = 0; i < replies.size(); i++) {
        batch.outputs.set(positions.get(i), Objects.requireNonNull(replies.get(i), "reply"));
      }
      return this;
    }

    /** The outputs of the whole batch in record order if this is its last group, else none. */
    List<O> emit() {
      if (!last) {
        return List.of();
      }
      if (batch.outputs.contains(null)) {
        throw new IllegalStateException("batch emitted before all its users answered");
      }
      return List.copyOf(batch.outputs);
    }
  }
}
