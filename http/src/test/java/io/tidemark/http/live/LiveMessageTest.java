package io.tidemark.http.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidemark.http.Responses;
import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.streams.clicks.Visitors;
import io.tidemark.streams.time.WindowResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LiveMessageTest {

  private static String json(LiveMessage message) throws Exception {
    return Responses.JSON.writeValueAsString(message);
  }

  @Test
  void pageViewsWindowIsTypedWindowWithCount() throws Exception {
    var result =
        new WindowResult<>(
            "pageviews", "/p/7", 60_000L, 120_000L, 12L, 0, WindowResult.Kind.PROVISIONAL);

    assertEquals(
        "{\"type\":\"window\",\"computation\":\"pageviews\",\"key\":\"/p/7\",\"windowStart\":60000,"
            + "\"windowEnd\":120000,\"value\":12,\"revision\":0,\"kind\":\"PROVISIONAL\"}",
        json(LiveMessage.window(result)));
  }

  @Test
  void visitorsWindowCarriesTheDistinctCount() throws Exception {
    var result =
        new WindowResult<>(
            "visitors",
            "site",
            0L,
            300_000L,
            Visitors.exact(Set.of("a", "b")),
            2,
            WindowResult.Kind.LATE_UPDATE);

    LiveMessage.Window window = LiveMessage.window(result);

    assertEquals(
        new LiveMessage.Window("visitors", "site", 0, 300_000, 2, 2, "LATE_UPDATE"), window);
  }

  @Test
  void alertKeepsTheFieldsOfTheKafkaAlert() throws Exception {
    FraudAlert alert =
        new FraudAlert(
            "t-9",
            "u-1",
            "t-9",
            5_000,
            List.of("DE", "FR", "IT", "US"),
            List.of("t-1", "t-9"),
            "more-than-3-countries-in-10m",
            6_000);

    assertEquals(
        "{\"type\":\"alert\",\"alertId\":\"t-9\",\"userId\":\"u-1\",\"txnId\":\"t-9\",\"txnTs\":5000,"
            + "\"countries\":[\"DE\",\"FR\",\"IT\",\"US\"],\"rule\":\"more-than-3-countries-in-10m\","
            + "\"detectedAt\":6000}",
        json(LiveMessage.alert(alert)));
  }

  @Test
  void statsIsTypedStats() throws Exception {
    var stats =
        new LiveMessage.Stats(
            1,
            1000,
            Map.of("pageviews", 5L),
            Map.of("pageviews", 5.0),
            Map.of("TOO_LATE", 1L),
            List.of(new LiveMessage.Stats.Partition("clicks", 0, 100, 20, 3)),
            2,
            3,
            4);

    assertEquals(
        "{\"type\":\"stats\",\"at\":1,\"intervalMs\":1000,\"consumed\":{\"pageviews\":5},"
            + "\"perSecond\":{\"pageviews\":5.0},\"deadLetters\":{\"TOO_LATE\":1},"
            + "\"partitions\":[{\"topic\":\"clicks\",\"partition\":0,\"watermark\":100,"
            + "\"eventTimeLagMs\":20,\"consumerLag\":3}],\"alerts\":2,\"activeEntities\":3,"
            + "\"clients\":4}",
        json(stats));
  }
}
