package ai.noether.core.resume;

import ai.noether.api.Nullable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The differences between the configuration saved in a checkpoint and the configuration of the run
 * that resumes from it, each judged by {@link ResumeRules}: a change the checkpoint cannot honour
 * (another model architecture, dataset, batch size, seed) is {@link Verdict#FORBIDDEN}; a safe one
 * (more epochs, other logging intervals, an added callback) is {@link Verdict#ALLOWED} and
 * reported.
 *
 * <p>Both configurations are plain trees (maps, lists, scalars) as written into {@code
 * _trainer.th}. Paths are written the way overrides are ({@code
 * trainer.callbacks[1].every_n_updates}).
 */
public final class ConfigDiff {

  /** Whether a resume may go on with a change. */
  public enum Verdict {
    ALLOWED,
    FORBIDDEN
  }

  /**
   * One difference.
   *
   * @param path where, e.g. {@code trainer.max_epochs}
   * @param before the saved value; null when the key was added
   * @param after the new value; null when the key was removed
   * @param verdict allowed or forbidden
   * @param reason why a forbidden change cannot be honoured; empty for allowed ones
   */
  public record Change(
      String path,
      @Nullable Object before,
      @Nullable Object after,
      Verdict verdict,
      String reason) {
    /** {@code path: before -> after}, with "(added)" / "(removed)" where a side is missing. */
    public String describe() {
      String text =
          path
              + ": "
              + (before == null ? "(added)" : before)
              + " -> "
              + (after == null ? "(removed)" : after);
      return reason.isEmpty() ? text : text + "  [" + reason + "]";
    }
  }

  private final List<Change> changes;

  private ConfigDiff(List<Change> changes) {
    this.changes = Collections.unmodifiableList(changes);
  }

  /** The differences from {@code saved} to {@code current}, judged by {@code rules}. */
  public static ConfigDiff between(
      Map<String, ?> saved, Map<String, ?> current, ResumeRules rules) {
    List<Change> out = new ArrayList<>();
    compare("", saved, current, rules, out);
    return new ConfigDiff(out);
  }

  /** Every difference in path order of the saved tree, added keys last; never null. */
  public List<Change> changes() {
    return changes;
  }

  /** The changes a resume cannot honour. */
  public List<Change> forbidden() {
    return changes.stream().filter(c -> c.verdict() == Verdict.FORBIDDEN).toList();
  }

  /** True when nothing differs. */
  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** One line per change, indented, forbidden ones first. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (Verdict v : List.of(Verdict.FORBIDDEN, Verdict.ALLOWED)) {
      for (Change c : changes) {
        if (c.verdict() == v) {
          sb.append(sb.length() == 0 ? "" : "\n")
              .append("  ")
              .append(v == Verdict.FORBIDDEN ? "✗ " : "  ")
              .append(c.describe());
        }
      }
    }
    return sb.toString();
  }

  private static void compare(
      String path,
      @Nullable Object before,
      @Nullable Object after,
      ResumeRules rules,
      List<Change> out) {
    if (rules.isIgnored(path)) {
      return;
    }
    if (before instanceof Map<?, ?> b && after instanceof Map<?, ?> a) {
      Set<Object> keys = new LinkedHashSet<>(b.keySet());
      keys.addAll(a.keySet());
      for (Object key : keys) {
        compare(
            path.isEmpty() ? key.toString() : path + "." + key, b.get(key), a.get(key), rules, out);
      }
    } else if (before instanceof List<?> b && after instanceof List<?> a) {
      if (isComponentList(b) && isComponentList(a)) {
        compareComponents(path, b, a, rules, out);
        return;
      }
      for (int i = 0; i < Math.max(b.size(), a.size()); i++) {
        compare(
            path + "[" + i + "]",
            i < b.size() ? b.get(i) : null,
            i < a.size() ? a.get(i) : null,
            rules,
            out);
      }
    } else if (!sameValue(before, after)) {
      String reason = rules.forbiddenReason(path);
      out.add(
          new Change(
              path,
              before,
              after,
              reason == null ? Verdict.ALLOWED : Verdict.FORBIDDEN,
              reason == null ? "" : reason));
    }
  }

  /**
   * Lists of component blocks (callbacks, initializers) are matched by kind and occurrence, the way
   * callback states are keyed, so inserting a callback is one addition rather than a change of
   * every block after it. Paths use the position in the new list (the old one for removals).
   */
  private static void compareComponents(
      String path, List<?> before, List<?> after, ResumeRules rules, List<Change> out) {
    java.util.Map<String, Integer> oldIndex = new java.util.LinkedHashMap<>();
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    for (int i = 0; i < before.size(); i++) {
      oldIndex.put(identity(before.get(i), seen), i);
    }
    seen.clear();
    Set<Integer> matched = new java.util.HashSet<>();
    for (int i = 0; i < after.size(); i++) {
      Integer j = oldIndex.get(identity(after.get(i), seen));
      if (j != null) {
        matched.add(j);
      }
      compare(path + "[" + i + "]", j == null ? null : before.get(j), after.get(i), rules, out);
    }
    for (int j = 0; j < before.size(); j++) {
      if (!matched.contains(j)) {
        compare(path + "[" + j + "]", before.get(j), null, rules, out);
      }
    }
  }

  private static boolean isComponentList(List<?> list) {
    return list.stream().allMatch(e -> e instanceof Map<?, ?> m && m.get("kind") instanceof String);
  }

  /** {@code kind}, then {@code kind#2}, {@code kind#3}... for later blocks of the same kind. */
  private static String identity(Object block, java.util.Map<String, Integer> seen) {
    // isComponentList saw a String kind in every block
    String kind = (String) Objects.requireNonNull(((Map<?, ?>) block).get("kind"), "kind");
    int n = seen.merge(kind, 1, Integer::sum);
    return n == 1 ? kind : kind + "#" + n;
  }

  /** Numbers compare by value, so that {@code 1} and {@code 1.0} or Integer and Long agree. */
  private static boolean sameValue(@Nullable Object a, @Nullable Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    return Objects.equals(a, b);
  }
}
