package io.tidemark.http.live;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.streams.clicks.Visitors;
import io.tidemark.streams.time.WindowResult;
import java.util.List;
import java.util.Map;

/**
 * A message of the live feed ({@code GET /ws/live}): a JSON object whose {@code type} field says
 * which record it is: {@code window}, {@code alert} or {@code stats}. A text frame holds either one
 * message (alerts, stats) or a JSON array of messages (the window updates of one flush interval).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(LiveMessage.Window.class),
  @JsonSubTypes.Type(LiveMessage.Alert.class),
  @JsonSubTypes.Type(LiveMessage.Stats.class)
})
public sealed interface LiveMessage {

  /** The live message of a window result: provisional, fired or late update. */
  static Window window(WindowResult<?, ?> result) {
    return new Window(
        result.computation(),
        String.valueOf(result.key()),
        result.windowStart(),
        result.windowEnd(),
        value(result.result()),
        result.revision(),
        result.kind().name());
  }

  /** The live message of an alert. */
  static Alert alert(FraudAlert alert) {
    return new Alert(
        alert.alertId(),
        alert.userId(),
        alert.txnId(),
        alert.txnTs(),
        alert.countries(),
        alert.rule(),
        alert.detectedAt());
  }

  private static long value(Object result) {
    if (result instanceof Number number) {
      return number.longValue();
    }
    if (result instanceof Visitors visitors) {
      return visitors.visitors();
    }
    throw new IllegalArgumentException("no live value for " + result.getClass().getName());
  }

  /**
   * The value of one window: {@code {"type":"window","computation":"pageviews","key":"/p/7",
   * "windowStart":…,"windowEnd":…,"value":12,"revision":0,"kind":"PROVISIONAL"}}.
   *
   * @param computation {@code pageviews} or {@code visitors}
   * @param key the page for page views, {@code site} for visitors
   * @param windowStart epoch ms, inclusive
   * @param windowEnd epoch ms, exclusive
   * @param value views, or distinct visitors
   * @param revision 0 while provisional, then 1, 2... for the firing and late updates
   * @param kind {@code PROVISIONAL}, {@code FIRED} or {@code LATE_UPDATE}
   */
  @JsonTypeName("window")
  record Window(
      String computation,
      String key,
      long windowStart,
      long windowEnd,
      long value,
      int revision,
      String kind)
      implements LiveMessage {}

  /**
   * A fraud alert: {@code {"type":"alert","alertId","userId","txnId","txnTs","countries":[…],
   * "rule","detectedAt"}}, times in epoch ms.
   */
  @JsonTypeName("alert")
  record Alert(
      String alertId,
      String userId,
      String txnId,
      long txnTs,
      List<String> countries,
      String rule,
      long detectedAt)
      implements LiveMessage {

    public Alert {
      countries = List.copyOf(countries);
    }
  }

  /**
   * Throughput and health of the pipelines, published periodically from the metrics: {@code
   * {"type":"stats","at":…,"intervalMs":1000,"consumed":{"pageviews":n,…},"perSecond":{"pageviews":
   * 12.5,…},"deadLetters":{"MALFORMED_JSON":n,…},"partitions":[{"topic","partition","watermark",
   * "eventTimeLagMs","consumerLag"}],"alerts":n,"activeEntities":n,"clients":n}}.
   *
   * @param at wall-clock time of the sample, epoch ms
   * @param intervalMs time since the previous sample
   * @param consumed records consumed so far, by computation
   * @param perSecond records consumed per second over the interval, by computation
   * @param deadLetters dead letters so far, by reason
   * @param partitions watermark and lags per input partition
   * @param alerts fraud alerts committed (in the whole cluster) since this node started
   * @param activeEntities fraud entities alive on this node
   * @param clients live-feed connections open
   */
  @JsonTypeName("stats")
  record Stats(
      long at,
      long intervalMs,
      Map<String, Long> consumed,
      Map<String, Double> perSecond,
      Map<String, Long> deadLetters,
      List<Partition> partitions,
      long alerts,
      long activeEntities,
      long clients)
      implements LiveMessage {

    /** One input partition's progress; {@code consumerLag} is -1 when unknown. */
    public record Partition(
        String topic, int partition, long watermark, long eventTimeLagMs, long consumerLag) {}
  }
}
