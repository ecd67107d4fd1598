package dev.parley.protocols.mqtt;

/**
 * Topic names and topic filters (MQTT 3.1.1, 4.7): levels separated by {@code /}, in a filter
 * {@code +} for any one level and {@code #}, last, for any number of levels including none. A
 * filter that starts with a wildcard does not match a topic that starts with {@code $} (4.7.2),
 * such as a broker's {@code $SYS} topics.
 */
public final class TopicFilter {

  private TopicFilter() {}

  /** Whether {@code topic} may be published to: at least one character, no wildcard, no U+0000 (4.7.3, 1.5.3). */
  public static boolean isValidTopicName(String topic) {
    return !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0 && topic.indexOf('\0') < 0;
  }

  /**
   * Whether {@code filter} may be subscribed to: at least one character, no U+0000, {@code +}
   * only as a whole level, {@code #} only as the whole last level (4.7.1).
   */
  public static boolean isValidFilter(String filter) {
    if (filter.isEmpty() || filter.indexOf('\0') >= 0) {
      return false;
    }
    String[] levels = filter.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      if (level.equals("#")) {
        if (i != levels.length - 1) {
          return false;
        }
      } else if (!level.equals("+") && (level.indexOf('+') >= 0 || level.indexOf('#') >= 0)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the valid {@code filter} matches the valid topic name {@code topic}. */
  public static boolean matches(String filter, String topic) {
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
      return false;
    }
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals("#")) {
        return true; // also the parent level: "a/#" matches "a"
      }
      if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
        return false;
      }
    }
    return f.length == t.length;
  }
}
