package io.tidemark.http.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A small registry of counters and gauges with labels, rendered in the Prometheus text exposition
 * format 0.0.4 ({@code # HELP}, {@code # TYPE}, one line per label combination). Updating is
 * lock-free; rendering reads each value once, so a scrape never blocks the pipeline.
 *
 * <p>Besides stored families, a derived gauge computes its children at scrape time from a supplier
 * (for example event-time lag from the watermarks and the clock).
 */
public final class Metrics {

  /** The content type of {@link #render()}. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final List<Rendered> families = new CopyOnWriteArrayList<>();

  /** Registers a counter family; its name should end in {@code _total}. */
  public MetricFamily<Counter> counter(String name, String help, String... labelNames) {
    MetricFamily<Counter> family =
        new MetricFamily<>(
            name,
            help,
            MetricFamily.Type.COUNTER,
            List.of(labelNames),
            Counter::new,
            Counter::value);
    register(name, help, "counter", family.labelNames(), family::snapshot);
    return family;
  }

  /** Registers a gauge family. */
  public MetricFamily<Gauge> gauge(String name, String help, String... labelNames) {
    MetricFamily<Gauge> family =
        new MetricFamily<>(
            name, help, MetricFamily.Type.GAUGE, List.of(labelNames), Gauge::new, Gauge::value);
    register(name, help, "gauge", family.labelNames(), family::snapshot);
    return family;
  }

  /**
   * Registers a gauge whose values are computed at each scrape: label values (in the order of
   * {@code labelNames}) to value.
   */
  public void derivedGauge(
      String name, String help, List<String> labelNames, Supplier<Map<List<String>, Long>> values) {
    register(name, help, "gauge", List.copyOf(labelNames), values);
  }

  /** Every family in the text exposition format, in registration order. */
  public String render() {
    StringBuilder out = new StringBuilder(4096);
    for (Rendered family : families) {
      family.render(out);
    }
    return out.toString();
  }

  private void register(
      String name,
      String help,
      String type,
      List<String> labelNames,
      Supplier<Map<List<String>, Long>> values) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid metric name: " + name);
    }
    for (String label : labelNames) {
      if (!LABEL.matcher(label).matches() || label.startsWith("__")) {
        throw new IllegalArgumentException("invalid label name: " + label);
      }
    }
    if (families.stream().anyMatch(family -> family.name.equals(name))) {
      throw new IllegalArgumentException("metric registered twice: " + name);
    }
    families.add(new Rendered(name, help, type, labelNames, values));
  }

  private record Rendered(
      String name,
      String help,
      String type,
      List<String> labelNames,
      Supplier<Map<List<String>, Long>> values) {

    void render(StringBuilder out) {
      out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
      out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
      values
          .get()
          .forEach(
              (labels, value) -> {
                out.append(name);
                if (!labelNames.isEmpty()) {
                  out.append('{');
                  for (int i = 0; i < labelNames.size(); i++) {
                    if (i > 0) {
                      out.append(',');
                    }
                    out.append(labelNames.get(i))
                        .append("=\"")
                        .append(escapeLabel(labels.get(i)))
                        .append('"');
                  }
                  out.append('}');
                }
                out.append(' ').append(value).append('\n');
              });
    }
  }

  private static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static String escapeLabel(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
