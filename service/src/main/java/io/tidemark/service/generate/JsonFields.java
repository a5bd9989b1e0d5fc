package io.tidemark.service.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * An ordered list of JSON object members kept as raw JSON value text, so that a valid record can be
 * turned into any kind of broken one (member removed, retyped, duplicated, renamed) before it is
 * rendered. Names are never escaped: callers only use plain ASCII names.
 */
final class JsonFields {

  private final List<String> names;
  private final List<String> values;

  JsonFields() {
    this.names = new ArrayList<>(8);
    this.values = new ArrayList<>(8);
  }

  private JsonFields(List<String> names, List<String> values) {
    this.names = new ArrayList<>(names);
    this.values = new ArrayList<>(values);
  }

  JsonFields copy() {
    return new JsonFields(names, values);
  }

  /** Appends a string member, escaping the value. */
  JsonFields string(String name, String value) {
    return raw(name, JsonText.quote(value));
  }

  /** Appends a member whose value is the given JSON text, taken verbatim. */
  JsonFields raw(String name, String rawValue) {
    names.add(name);
    values.add(rawValue);
    return this;
  }

  /** Inserts a member before all others (a duplicate key placed first loses: the last wins). */
  JsonFields prepend(String name, String rawValue) {
    names.add(0, name);
    values.add(0, rawValue);
    return this;
  }

  /** The raw value text of the first member called {@code name}, or {@code null}. */
  String get(String name) {
    int at = names.indexOf(name);
    return at < 0 ? null : values.get(at);
  }

  /** Replaces the value of every member called {@code name}. */
  JsonFields set(String name, String rawValue) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equals(name)) {
        values.set(i, rawValue);
      }
    }
    return this;
  }

  JsonFields remove(String name) {
    for (int i = names.size() - 1; i >= 0; i--) {
      if (names.get(i).equals(name)) {
        names.remove(i);
        values.remove(i);
      }
    }
    return this;
  }

  JsonFields rename(String name, String newName) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equals(name)) {
        names.set(i, newName);
      }
    }
    return this;
  }

  /** Compact rendering: {@code {"a":1,"b":"x"}}. */
  String render() {
    return render("", ":", ",", "");
  }

  /** Rendering with the given separators, e.g. whitespace around tokens or a trailing comma. */
  String render(String open, String colon, String comma, String close) {
    StringBuilder out = new StringBuilder(128).append('{').append(open);
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        out.append(comma);
      }
      out.append('"').append(names.get(i)).append('"').append(colon).append(values.get(i));
    }
    return out.append(close).append('}').toString();
  }
}
