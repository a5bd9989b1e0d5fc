package io.tidemark.service.generate;

import java.nio.charset.StandardCharsets;

/**
 * The simulated shop shared by both generators: users with a home and a travel country, their
 * activity ranking, the pages, and which users act out a fraud pattern. Everything is derived from
 * the seed, so clicks and transactions of one run talk about the same people.
 */
final class Population {

  /** Countries with their currency; the order is the popularity order for home countries. */
  private static final String[][] COUNTRIES = {
    {"DE", "EUR"}, {"FR", "EUR"}, {"GB", "GBP"}, {"US", "USD"}, {"NL", "EUR"},
    {"ES", "EUR"}, {"IT", "EUR"}, {"PL", "PLN"}, {"SE", "SEK"}, {"AT", "EUR"},
    {"BE", "EUR"}, {"CH", "CHF"}, {"DK", "DKK"}, {"IE", "EUR"}, {"PT", "EUR"},
    {"CZ", "CZK"}, {"NO", "NOK"}, {"FI", "EUR"}, {"CA", "CAD"}, {"JP", "JPY"}
  };

  private static final String[] SPECIAL_PAGES = {"", "cart", "search", "checkout"};

  private final String[] userIds;
  private final byte[][] userKeys;
  private final int[] home;
  private final int[] travel;
  private final int[] byActivity;
  private final int patternUsers;
  private final String[] pageUrls;

  Population(GeneratorSettings settings, int patternUsers) {
    Rng rng = Rng.stream(settings.seed(), 1);
    int users = settings.users();
    userIds = new String[users];
    userKeys = new byte[users][];
    home = new int[users];
    travel = new int[users];
    Zipf homeCountry = new Zipf(COUNTRIES.length, 1.0);
    for (int user = 0; user < users; user++) {
      userIds[user] = "u-" + (user + 1);
      userKeys[user] = userIds[user].getBytes(StandardCharsets.UTF_8);
      home[user] = homeCountry.next(rng);
      travel[user] = (home[user] + 1 + rng.nextInt(COUNTRIES.length - 1)) % COUNTRIES.length;
    }
    byActivity = shuffled(users, rng);
    this.patternUsers = patternUsers;
    pageUrls = new String[settings.pages()];
    for (int page = 0; page < pageUrls.length; page++) {
      pageUrls[page] =
          page < SPECIAL_PAGES.length
              ? "https://shop.example/" + SPECIAL_PAGES[page]
              : "https://shop.example/p/" + (page + 1 - SPECIAL_PAGES.length);
    }
  }

  private static int[] shuffled(int n, Rng rng) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  int users() {
    return userIds.length;
  }

  /** The user at the given activity rank over all users (rank 0 is the busiest). */
  int userByRank(int rank) {
    return byActivity[rank];
  }

  /** Number of users acting out a fraud pattern; they have no other transactions. */
  int patternUsers() {
    return patternUsers;
  }

  /** The user acting out fraud pattern {@code pattern} (0-based). */
  int patternUser(int pattern) {
    return byActivity[userIds.length - patternUsers + pattern];
  }

  String userId(int user) {
    return userIds[user];
  }

  byte[] userKey(int user) {
    return userKeys[user];
  }

  static int countryCount() {
    return COUNTRIES.length;
  }

  static String country(int country) {
    return COUNTRIES[country][0];
  }

  static String currency(int country) {
    return COUNTRIES[country][1];
  }

  int home(int user) {
    return home[user];
  }

  int travel(int user) {
    return travel[user];
  }

  int pages() {
    return pageUrls.length;
  }

  /** The URL of a page without query string or fragment; page 0 is the most visited. */
  String pageUrl(int page) {
    return pageUrls[page];
  }
}
