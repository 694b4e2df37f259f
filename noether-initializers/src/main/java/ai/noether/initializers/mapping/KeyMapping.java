package ai.noether.initializers.mapping;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.model.ParameterGlob;
import ai.noether.api.tensor.HostTensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How the keys of a stored state dict become the keys of a model, in three steps applied in this
 * order:
 *
 * <ol>
 *   <li><b>remove</b> ({@code keys_to_remove}): stored keys matching any of these globs are
 *       dropped;
 *   <li><b>rename</b> ({@code patterns_to_rename}): each remaining key goes through every {@link
 *       RenamePattern} in turn, the output of one feeding the next;
 *   <li><b>keep initialized</b> ({@code patterns_to_keep_initialized}): model keys matching any of
 *       these globs keep their fresh values; renamed stored keys matching them are dropped. Such
 *       keys are neither loaded, nor missing, nor unexpected.
 * </ol>
 *
 * <p>Globs follow {@link ParameterGlob}: {@code *} matches any run of characters, dots included,
 * and a glob must match the whole key. Immutable and thread-safe.
 */
public final class KeyMapping {
  /** The YAML key of the first step. */
  public static final String KEYS_TO_REMOVE = "keys_to_remove";

  /** The YAML key of the second step. */
  public static final String PATTERNS_TO_RENAME = "patterns_to_rename";

  /** The YAML key of the third step. */
  public static final String PATTERNS_TO_KEEP_INITIALIZED = "patterns_to_keep_initialized";

  private static final KeyMapping NONE = new KeyMapping(List.of(), List.of(), List.of());

  private final List<ParameterGlob> remove;
  private final List<CompiledRename> renames;
  private final List<ParameterGlob> keep;

  private KeyMapping(
      List<ParameterGlob> remove, List<CompiledRename> renames, List<ParameterGlob> keep) {
    this.remove = remove;
    this.renames = renames;
    this.keep = keep;
  }

  /** The identity: every stored key is loaded under its own name. */
  public static KeyMapping none() {
    return NONE;
  }

  /**
   * A mapping from the three YAML lists; each may be null (nothing to do in that step).
   *
   * @throws IllegalArgumentException naming the key and entry that is empty
   */
  public static KeyMapping of(
      List<String> keysToRemove,
      List<RenamePattern> patternsToRename,
      List<String> patternsToKeepInitialized) {
    List<CompiledRename> renames = new ArrayList<>();
    if (patternsToRename != null) {
      for (int i = 0; i < patternsToRename.size(); i++) {
        RenamePattern p = patternsToRename.get(i);
        if (p == null) {
          throw new IllegalArgumentException(
              PATTERNS_TO_RENAME
                  + "["
                  + i
                  + "] is empty; write {from: <regex>, to: <replacement>}");
        }
        renames.add(new CompiledRename(p, Pattern.compile(p.from())));
      }
    }
    return new KeyMapping(
        globs(keysToRemove, KEYS_TO_REMOVE),
        List.copyOf(renames),
        globs(patternsToKeepInitialized, PATTERNS_TO_KEEP_INITIALIZED));
  }

  /**
   * One of the three lists as a config keeps it: empty when its key is left out, else an
   * unmodifiable copy.
   *
   * @throws IllegalArgumentException naming {@code key} and the entry that is empty
   */
  public static <T> List<T> listOf(@Nullable List<T> values, String key) {
    if (values == null) {
      return List.of();
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null) {
        throw new IllegalArgumentException(key + "[" + i + "] is empty");
      }
    }
    return List.copyOf(values);
  }

  private static List<ParameterGlob> globs(List<String> texts, String key) {
    if (texts == null) {
      return List.of();
    }
    List<ParameterGlob> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      out.add(ParameterGlob.parse(texts.get(i), key + "[" + i + "]"));
    }
    return List.copyOf(out);
  }

  /** True if no step does anything. */
  public boolean isIdentity() {
    return remove.isEmpty() && renames.isEmpty() && keep.isEmpty();
  }

  /**
   * Maps a stored state dict onto a model's keys.
   *
   * @param stored the state dict as read from the file, in file order
   * @param modelKeys the model's state-dict keys, in model order
   * @throws ConfigException if renaming maps two stored keys to the same key, naming both
   */
  public Result apply(Map<String, HostTensor> stored, Set<String> modelKeys) {
    List<String> removed = new ArrayList<>();
    Map<String, String> renamed = new LinkedHashMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    Map<String, HostTensor> mapped = new LinkedHashMap<>();
    List<String> dropped = new ArrayList<>();
    boolean[] removeUsed = new boolean[remove.size()];
    boolean[] renameUsed = new boolean[renames.size()];
    boolean[] keepUsed = new boolean[keep.size()];

    for (Map.Entry<String, HostTensor> e : stored.entrySet()) {
      String key = e.getKey();
      if (anyMatches(remove, key, removeUsed)) {
        removed.add(key);
        continue;
      }
      String target = key;
      for (int i = 0; i < renames.size(); i++) {
        CompiledRename r = renames.get(i);
        if (r.regex().matcher(target).find()) {
          renameUsed[i] = true;
          target = r.regex().matcher(target).replaceAll(r.pattern().to());
        }
      }
      String earlier = origin.putIfAbsent(target, key);
      if (earlier != null) {
        throw new ConfigException(
            PATTERNS_TO_RENAME
                + " map both '"
                + earlier
                + "' and '"
                + key
                + "' to '"
                + target
                + "'; change the patterns so that every key gets its own name, or remove one of them with "
                + KEYS_TO_REMOVE);
      }
      if (!target.equals(key)) {
        renamed.put(key, target);
      }
      if (anyMatches(keep, target, keepUsed)) {
        dropped.add(target);
      } else {
        mapped.put(target, e.getValue());
      }
    }
    List<String> keptFresh = new ArrayList<>();
    for (String key : modelKeys) {
      if (anyMatches(keep, key, keepUsed)) {
        keptFresh.add(key);
      }
    }

    List<String> unused = new ArrayList<>();
    for (int i = 0; i < remove.size(); i++) {
      if (!removeUsed[i]) {
        unused.add(KEYS_TO_REMOVE + " '" + remove.get(i) + "' matches no stored key");
      }
    }
    for (int i = 0; i < renames.size(); i++) {
      if (!renameUsed[i]) {
        unused.add(PATTERNS_TO_RENAME + " " + renames.get(i).pattern() + " matches no stored key");
      }
    }
    for (int i = 0; i < keep.size(); i++) {
      if (!keepUsed[i]) {
        unused.add(
            PATTERNS_TO_KEEP_INITIALIZED
                + " '"
                + keep.get(i)
                + "' matches no key of the model or the state dict");
      }
    }
    return new Result(mapped, removed, renamed, keptFresh, dropped, unused);
  }

  private static boolean anyMatches(List<ParameterGlob> globs, String key, boolean[] used) {
    boolean any = false;
    for (int i = 0; i < globs.size(); i++) {
      if (globs.get(i).matches(key)) {
        used[i] = true;
        any = true;
      }
    }
    return any;
  }

  /**
   * A state dict after mapping.
   *
   * @param stateDict what to load: model key to stored tensor, in stored order; never null
   * @param removed stored keys dropped by {@code keys_to_remove}, in stored order
   * @param renamed stored key to new key, for the keys a pattern changed, in stored order
   * @param keptFresh model keys that keep their fresh values, in model order
   * @param droppedAsFresh stored keys (after renaming) not loaded because they match {@code
   *     patterns_to_keep_initialized}
   * @param unusedPatterns a line for each pattern that matched nothing (likely a typo)
   */
  public record Result(
      Map<String, HostTensor> stateDict,
      List<String> removed,
      Map<String, String> renamed,
      List<String> keptFresh,
      List<String> droppedAsFresh,
      List<String> unusedPatterns) {

    public Result {
      stateDict = Collections.unmodifiableMap(new LinkedHashMap<>(stateDict));
      removed = List.copyOf(removed);
      renamed = Collections.unmodifiableMap(new LinkedHashMap<>(renamed));
      keptFresh = List.copyOf(keptFresh);
      droppedAsFresh = List.copyOf(droppedAsFresh);
      unusedPatterns = List.copyOf(unusedPatterns);
    }

    /**
     * The steps that changed something, for messages: {@code "after removing 2 keys, renaming 4 and
     * keeping 2 fresh"}; empty when none did.
     */
    public String summary() {
      List<String> steps = new ArrayList<>();
      step(steps, "removing", removed.size(), "");
      step(steps, "renaming", renamed.size(), "");
      step(steps, "keeping", keptFresh.size(), " fresh");
      if (steps.isEmpty()) {
        return "";
      }
      String last = steps.remove(steps.size() - 1);
      return "after " + (steps.isEmpty() ? last : String.join(", ", steps) + " and " + last);
    }

    /** Adds {@code "renaming 4"}; the first step names the unit: {@code "renaming 4 keys"}. */
    private static void step(List<String> steps, String verb, int count, String suffix) {
      if (count > 0) {
        String unit = steps.isEmpty() ? (count == 1 ? " key" : " keys") : "";
        steps.add(verb + " " + count + unit + suffix);
      }
    }
  }

  private record CompiledRename(RenamePattern pattern, Pattern regex) {}
}
