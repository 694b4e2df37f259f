package ai.noether.initializers.mapping;

import ai.noether.api.ConfigException;
import ai.noether.api.model.LoadReport;
import ai.noether.api.model.Model;
import ai.noether.api.model.StateDictMismatchException;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a stored state dict into a model through a {@link KeyMapping}: the one place where every
 * initializer maps keys, checks them and reports what it did.
 *
 * <p>Keys kept fresh are handed to {@link Model#load} with the model's own current values, so that
 * the model checks the remaining keys exactly as it always does (all or nothing in strict mode)
 * and the fresh values stay bit for bit what they were.
 *
 * <p>Every load is logged at INFO: how many weights were copied and kept fresh, with the first
 * few names of each. Patterns that matched nothing are logged at WARN, since they are most likely
 * typos.
 */
public final class StateDictLoader {
  private static final Logger LOG = LoggerFactory.getLogger(StateDictLoader.class);
  /** How many key names a log line shows before it abbreviates. */
  static final int NAMES_SHOWN = 5;

  private StateDictLoader() {}

  /**
   * Maps {@code stored} with {@code mapping} and loads it into {@code model}.
   *
   * @param where the YAML path of the initializer, e.g. {@code model.initializers[0]}
   * @param source where the weights come from, e.g. {@code file /data/resnet.pt}
   * @return what was loaded; kept-fresh keys appear in none of its lists
   * @throws StateDictMismatchException in strict mode when any key is missing, unexpected or of
   *     another shape, listing all of them, the source and the mapping steps applied; nothing is
   *     copied then. Also in lenient mode when not a single key could be copied.
   * @throws ConfigException if renaming maps two stored keys to one
   */
  public static LoadReport load(
      Model model, Map<String, HostTensor> stored, KeyMapping mapping, boolean strict, String where, String source) {
    Map<String, Tensor> parameters = model.parameters();
    KeyMapping.Result mapped;
    try {
      mapped = mapping.apply(stored, parameters.keySet());
    } catch (ConfigException e) {
      throw new ConfigException(where + ": " + e.getMessage(), e);
    }
    for (String line : mapped.unusedPatterns()) {
      LOG.warn("{}: {}", where, line);
    }

    Map<String, HostTensor> toLoad = new LinkedHashMap<>(mapped.stateDict());
    for (String key : mapped.keptFresh()) {
      toLoad.put(key, parameters.get(key).toHost());
    }
    Set<String> kept = new HashSet<>(mapped.keptFresh());
    String summary = mapped.summary();
    String detail = where + ": " + source + (summary.isEmpty() ? "" : ", " + summary);
    LoadReport report;
    try {
      report = withoutKept(model.load(toLoad, strict), kept);
    } catch (StateDictMismatchException e) {
      throw new StateDictMismatchException(model.name(), withoutKept(e.report(), kept), detail);
    }
    if (report.loaded().isEmpty() && parameters.size() > kept.size()) {
      throw new StateDictMismatchException(model.name(), report, detail + "; not a single key could be copied");
    }

    LOG.info("{}: copied {} of {} weights into '{}' from {}{}; copied: {}{}", where, report.loaded().size(),
        parameters.size(), model.name(), source, summary.isEmpty() ? "" : ", " + summary, names(report.loaded()),
        kept.isEmpty() ? "" : "; kept fresh: " + names(mapped.keptFresh()));
    if (!report.isExact()) {
      LOG.warn("{}: strict: false, so these keys were skipped:\n{}", where, report.describe());
    }
    return report;
  }

  private static LoadReport withoutKept(LoadReport report, Set<String> kept) {
    if (kept.isEmpty()) {
      return report;
    }
    List<String> loaded = new ArrayList<>(report.loaded());
    loaded.removeAll(kept);
    List<String> missing = new ArrayList<>(report.missing());
    missing.removeAll(kept);
    return new LoadReport(loaded, missing, report.unexpected(), report.mismatched());
  }

  /** {@code a, b, c, d, e and 7 more}. */
  static String names(Collection<String> keys) {
    List<String> all = List.copyOf(keys);
    if (all.isEmpty()) {
      return "none";
    }
    if (all.size() <= NAMES_SHOWN) {
      return String.join(", ", all);
    }
    return String.join(", ", all.subList(0, NAMES_SHOWN)) + " and " + (all.size() - NAMES_SHOWN) + " more";
  }
}
