package io.tidemark.service.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UserBatchTest {

  @Test
  void usersAreAskedOnceEachWithTheirRecordsInOrder() {
    List<UserBatch.Group<String, String>> groups =
        UserBatch.<String, String>builder()
            .ask("u1", "a")
            .known("bad-1")
            .ask("u2", "b")
            .ask("u1", "c")
            .ask("u3", "d")
            .ask("u2", "e")
            .build();

    assertEquals(List.of("u1", "u2", "u3"), groups.stream().map(g -> g.userId()).toList());
    assertEquals(List.of("a", "c"), groups.get(0).records());
    assertEquals(List.of("b", "e"), groups.get(1).records());
    assertEquals(List.of("d"), groups.get(2).records());
    assertEquals(List.of(false, false, true), groups.stream().map(g -> g.last()).toList());
  }

  @Test
  void lastGroupEmitsTheOutputsInRecordOrderWhateverOrderTheUsersAnswered() {
    List<UserBatch.Group<String, String>> groups =
        UserBatch.<String, String>builder()
            .ask("u1", "a")
            .known("bad-1")
            .ask("u2", "b")
            .ask("u1", "c")
            .known("bad-2")
            .ask("u2", "e")
            .build();

    // The last user answers first; the batch goes on once the earlier user has answered too.
    groups.get(1).fill(List.of("B", "E"));
    assertEquals(List.of(), groups.get(0).fill(List.of("A", "C")).emit());
    assertEquals(List.of("A", "bad-1", "B", "C", "bad-2", "E"), groups.get(1).emit());
  }

  @Test
  void batchWithoutAsksEmitsItsKnownOutputsThroughOneEmptyGroup() {
    List<UserBatch.Group<String, String>> groups =
        UserBatch.<String, String>builder().known("bad-1").known("bad-2").build();

    assertEquals(1, groups.size());
    assertTrue(groups.get(0).records().isEmpty());
    assertEquals(List.of("bad-1", "bad-2"), groups.get(0).emit());
  }

  @Test
  void wrongNumberOfRepliesOrMissingOnesFail() {
    List<UserBatch.Group<String, String>> groups =
        UserBatch.<String, String>builder().ask("u1", "a").ask("u2", "b").build();

    assertThrows(IllegalStateException.class, () -> groups.get(0).fill(List.of("A", "X")));
    assertThrows(IllegalStateException.class, () -> groups.get(1).fill(List.of("B")).emit());
  }
}
