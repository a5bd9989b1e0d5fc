package io.tidemark.streams.clicks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidemark.streams.event.Click;
import org.junit.jupiter.api.Test;

class PageViewsTest {

  private final PageViews pageViews = new PageViews(60_000);

  @Test
  void keyIsTheUrlWithoutQueryAndFragment() {
    assertEquals(
        "https://shop.example/p/7",
        pageViews.key(new Click("c", "u", "https://shop.example/p/7?ref=mail#top", 0)));
    assertEquals(
        "https://shop.example/P/7/",
        pageViews.key(new Click("c", "u", "https://shop.example/P/7/#x?y", 0)));
  }

  @Test
  void countsEveryClick() {
    long[] count = pageViews.createAccumulator();
    Click click = new Click("c", "u", "https://shop.example/", 0);
    for (int i = 0; i < 3; i++) {
      count = pageViews.add(count, click);
    }
    Long result = pageViews.result(count);
    pageViews.add(count, click);
    assertEquals(3L, result, "results are snapshots");
    assertEquals(4L, pageViews.result(count));
  }

  @Test
  void accumulatorsAndKeysSurviveSerialization() {
    long[] count = {123_456_789_012L};
    assertArrayEquals(
        count, pageViews.deserializeAccumulator(pageViews.serializeAccumulator(count)));
    String page = "https://shop.example/ü/€";
    assertEquals(page, pageViews.deserializeKey(pageViews.serializeKey(page)));
  }
}
