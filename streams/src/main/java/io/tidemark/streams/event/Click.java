package io.tidemark.streams.event;

/**
 * A click on a page (SPEC §1, topic {@code clicks}). Instances are only created by the decoder once
 * every field is valid, so downstream code never re-checks them.
 *
 * @param eventId producer-assigned id of the click
 * @param userId the visitor
 * @param url the page address as sent, query string and fragment included
 * @param ts event time, epoch milliseconds
 */
public record Click(String eventId, String userId, String url, long ts) {

  /** The page key of SPEC §3.1: the URL without query string and fragment. */
  public String page() {
    return pageOf(url);
  }

  /** Strips the query string ({@code ?…}) and fragment ({@code #…}); nothing else changes. */
  public static String pageOf(String url) {
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == '?' || c == '#') {
        return url.substring(0, i);
      }
    }
    return url;
  }
}
