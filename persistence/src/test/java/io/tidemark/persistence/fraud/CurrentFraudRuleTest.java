package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class CurrentFraudRuleTest {

  private static final FraudSettings DEFAULTS = FraudSettings.defaults();
  private static final FraudSettings STRICT = new FraudSettings(600_000, 2, 300_000);
  private static final FraudSettings LOOSE = new FraudSettings(600_000, 5, 300_000);

  @Test
  void configuredDefaultsAreInForceAsVersionZero() {
    CurrentFraudRule rule = CurrentFraudRule.startingWith(DEFAULTS);
    assertEquals(DEFAULTS, rule.settings());
    assertEquals(VersionedFraudRule.UNSTORED, rule.get().version());
  }

  @Test
  void newerVersionIsPutInForce() {
    CurrentFraudRule rule = CurrentFraudRule.startingWith(DEFAULTS);
    assertTrue(rule.offer(new VersionedFraudRule(1, STRICT)));
    assertEquals(STRICT, rule.settings());
    assertTrue(rule.offer(new VersionedFraudRule(2, LOOSE)));
    assertEquals(new VersionedFraudRule(2, LOOSE), rule.get());
  }

  @Test
  void olderOrSameVersionIsIgnored() {
    CurrentFraudRule rule = CurrentFraudRule.startingWith(DEFAULTS);
    rule.offer(new VersionedFraudRule(3, STRICT));
    assertFalse(rule.offer(new VersionedFraudRule(2, LOOSE)), "an older change arriving late");
    assertFalse(rule.offer(new VersionedFraudRule(3, LOOSE)), "the same version again");
    assertFalse(rule.offer(VersionedFraudRule.unstored(LOOSE)), "configuration defaults");
    assertEquals(new VersionedFraudRule(3, STRICT), rule.get());
  }

  @Test
  void concurrentOffersSettleOnTheHighestVersion() throws InterruptedException {
    CurrentFraudRule rule = CurrentFraudRule.startingWith(DEFAULTS);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int first = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int v = first + 1; v <= 1000; v += 4) {
                  rule.offer(new VersionedFraudRule(v, v % 2 == 0 ? STRICT : LOOSE));
                }
              });
      thread.start();
      threads.add(thread);
    }
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(new VersionedFraudRule(1000, STRICT), rule.get());
  }

  @Test
  void negativeVersionIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new VersionedFraudRule(-1, DEFAULTS));
  }
}
