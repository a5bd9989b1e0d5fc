package io.tidemark.service.generate;

/**
 * Draws ranks {@code 0..n-1} with probability proportional to {@code 1 / (rank + 1)^exponent} in
 * constant time, by Vose's alias method. {@link StrictMath} and a fixed construction order keep the
 * tables, and so the draws, identical on every JVM.
 */
final class Zipf {

  private final double[] probability;
  private final int[] alias;

  Zipf(int n, double exponent) {
    double[] weight = new double[n];
    double sum = 0;
    for (int rank = 0; rank < n; rank++) {
      weight[rank] = 1.0 / StrictMath.pow(rank + 1.0, exponent);
      sum += weight[rank];
    }
    probability = new double[n];
    alias = new int[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int smalls = 0;
    int larges = 0;
    for (int rank = 0; rank < n; rank++) {
      weight[rank] = weight[rank] * n / sum;
      if (weight[rank] < 1.0) {
        small[smalls++] = rank;
      } else {
        large[larges++] = rank;
      }
    }
    while (smalls > 0 && larges > 0) {
      int less = small[--smalls];
      int more = large[--larges];
      probability[less] = weight[less];
      alias[less] = more;
      weight[more] = weight[more] + weight[less] - 1.0;
      if (weight[more] < 1.0) {
        small[smalls++] = more;
      } else {
        large[larges++] = more;
      }
    }
    while (larges > 0) {
      probability[large[--larges]] = 1.0;
    }
    while (smalls > 0) {
      probability[small[--smalls]] = 1.0;
    }
  }

  int next(Rng rng) {
    long bits = rng.nextLong();
    int column = (int) (((bits >>> 32) * probability.length) >>> 32);
    double coin = (bits & 0xFFFFFFFFL) * 0x1.0p-32;
    return coin < probability[column] ? column : alias[column];
  }
}
