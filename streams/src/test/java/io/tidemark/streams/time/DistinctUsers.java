package io.tidemark.streams.time;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/** Test aggregation: distinct users per window, one key for all events. */
record DistinctUsers(String name, long sizeMillis)
    implements WindowAggregation<Ev, String, TreeSet<String>, Set<String>> {

  @Override
  public String key(Ev event) {
    return "all";
  }

  @Override
  public TreeSet<String> createAccumulator() {
    return new TreeSet<>();
  }

  @Override
  public TreeSet<String> add(TreeSet<String> users, Ev event) {
    users.add(event.user());
    return users;
  }

  @Override
  public Set<String> result(TreeSet<String> users) {
    return Set.copyOf(users);
  }

  @Override
  public byte[] serializeAccumulator(TreeSet<String> users) {
    return String.join("\n", users).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public TreeSet<String> deserializeAccumulator(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    return text.isEmpty() ? new TreeSet<>() : new TreeSet<>(Arrays.asList(text.split("\n")));
  }

  @Override
  public byte[] serializeKey(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String deserializeKey(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
