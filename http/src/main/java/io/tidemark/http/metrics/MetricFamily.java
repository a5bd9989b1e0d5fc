package io.tidemark.http.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * One named metric with its label names and one child ({@link Counter} or {@link Gauge}) per
 * combination of label values, created on first use. Callers on a hot path keep the child.
 *
 * @param <C> the child type
 */
public final class MetricFamily<C> {

  /** The exposition type of a family. */
  public enum Type {
    COUNTER,
    GAUGE
  }

  private final String name;
  private final String help;
  private final Type type;
  private final List<String> labelNames;
  private final Supplier<C> newChild;
  private final ToLongFunction<C> read;
  private final Map<List<String>, C> children = new ConcurrentHashMap<>();

  MetricFamily(
      String name,
      String help,
      Type type,
      List<String> labelNames,
      Supplier<C> newChild,
      ToLongFunction<C> read) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.labelNames = List.copyOf(labelNames);
    this.newChild = newChild;
    this.read = read;
  }

  /** The child for these label values, in the order of the family's label names. */
  public C labels(String... values) {
    if (values.length != labelNames.size()) {
      throw new IllegalArgumentException(
          name + " has labels " + labelNames + ", got " + Arrays.toString(values));
    }
    return children.computeIfAbsent(List.of(values), key -> newChild.get());
  }

  /** The metric name. */
  public String name() {
    return name;
  }

  /** The help text. */
  public String help() {
    return help;
  }

  /** Counter or gauge. */
  public Type type() {
    return type;
  }

  /** The label names. */
  public List<String> labelNames() {
    return labelNames;
  }

  /** The current value of every child, by label values, in label order. */
  public Map<List<String>, Long> snapshot() {
    Map<List<String>, Long> values = new LinkedHashMap<>();
    children.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(MetricFamily::compareLabels))
        .forEach(entry -> values.put(entry.getKey(), read.applyAsLong(entry.getValue())));
    return values;
  }

  private static int compareLabels(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int byValue = compareValue(a.get(i), b.get(i));
      if (byValue != 0) {
        return byValue;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  /** Numbers (partitions) in numeric order, everything else alphabetically. */
  private static int compareValue(String a, String b) {
    boolean numbers = !a.isEmpty() && !b.isEmpty() && isDigits(a) && isDigits(b);
    return numbers && a.length() != b.length()
        ? Integer.compare(a.length(), b.length())
        : a.compareTo(b);
  }

  private static boolean isDigits(String s) {
    return s.chars().allMatch(Character::isDigit);
  }
}
