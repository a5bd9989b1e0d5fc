package io.tidemark.service.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ZipfTest {

  @Test
  void frequenciesFollowThePowerLaw() {
    int n = 100;
    double exponent = 1.1;
    Zipf zipf = new Zipf(n, exponent);
    Rng rng = new Rng(1);
    long[] counts = new long[n];
    int draws = 400_000;
    for (int i = 0; i < draws; i++) {
      counts[zipf.next(rng)]++;
    }
    double norm = 0;
    for (int rank = 1; rank <= n; rank++) {
      norm += Math.pow(rank, -exponent);
    }
    for (int rank : new int[] {0, 1, 9, 99}) {
      double expected = draws * Math.pow(rank + 1, -exponent) / norm;
      double error = Math.abs(counts[rank] - expected) / expected;
      assertTrue(error < 0.1, "rank " + rank + ": " + counts[rank] + " vs " + expected);
    }
  }

  @Test
  void sameSeedDrawsTheSameRanks() {
    Zipf zipf = new Zipf(500, 1.1);
    Rng a = new Rng(9);
    Rng b = new Rng(9);
    for (int i = 0; i < 1000; i++) {
      assertEquals(zipf.next(a), zipf.next(b));
    }
  }
}
