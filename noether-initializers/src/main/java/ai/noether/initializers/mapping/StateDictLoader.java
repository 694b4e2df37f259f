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
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a stored state dict into a model through a {@link KeyMapping}: the one place where every
 * initializer maps keys, checks them and reports what it did.
 *
 * <p>Keys kept fresh are handed to {@link Model#load} with the model's own current values, so that
 * the model checks the remaining keys exactly as it always does (all or nothing in strict mode) and
 * the fresh values stay bit for bit what they were.
 *
 * <p>Every load is logged at INFO: how many weights were copied and kept fresh, with the first few
 * names of each. Patterns that matched nothing are logged at WARN, since they are most likely
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
      Model model,
      Map<String, HostTensor> stored,
      KeyMapping mapping,
      boolean strict,
      String where,
      String source) {
    return load(model, stored, mapping, strict, false, where, source);
  }

  /**
   * As {@link #load(Model, Map, KeyMapping, boolean, String, String)}; with {@code castDtypes},
   * float16 and bfloat16 tensors whose model parameter is float32 are converted first ({@link
   * DTypeCast}). Without it such tensors are mismatches whose message names {@code cast_dtypes:
   * true}.
   */
  public static LoadReport load(
      Model model,
      Map<String, HostTensor> stored,
      KeyMapping mapping,
      boolean strict,
      boolean castDtypes,
      String where,
      String source) {
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

    List<String> casts = new ArrayList<>();
    Map<String, HostTensor> toLoad =
        castDtypes
            ? DTypeCast.toModelTypes(mapped.stateDict(), parameters, casts)
            : new LinkedHashMap<>(mapped.stateDict());
    for (String key : mapped.keptFresh()) {
      // kept fresh: a parameter of the model
      toLoad.put(key, Objects.requireNonNull(parameters.get(key), key).toHost());
    }
    Set<String> kept = new HashSet<>(mapped.keptFresh());
    String summary = mapped.summary();
    String detail = where + ": " + source + (summary.isEmpty() ? "" : ", " + summary);
    LoadReport report;
    try {
      report = withoutKept(model.load(toLoad, strict), kept);
    } catch (StateDictMismatchException e) {
      LoadReport r = withoutKept(e.report(), kept);
      throw new StateDictMismatchException(model.name(), r, detail + castHint(r, castDtypes));
    }
    if (report.loaded().isEmpty() && parameters.size() > kept.size()) {
      throw new StateDictMismatchException(
          model.name(),
          report,
          detail + "; not a single key could be copied" + castHint(report, castDtypes));
    }
    if (!casts.isEmpty()) {
      LOG.info(
          "{}: cast {} float16/bfloat16 weights to float32 (cast_dtypes: true): {}",
          where,
          casts.size(),
          names(casts));
    }

    LOG.info(
        "{}: copied {} of {} weights into '{}' from {}{}; copied: {}{}",
        where,
        report.loaded().size(),
        parameters.size(),
        model.name(),
        source,
        summary.isEmpty() ? "" : ", " + summary,
        names(report.loaded()),
        kept.isEmpty() ? "" : "; kept fresh: " + names(mapped.keptFresh()));
    if (!report.isExact()) {
      LOG.warn(
          "{}: strict: false, so these keys were skipped:\n{}{}",
          where,
          report.describe(),
          castHint(report, castDtypes));
    }
    return report;
  }

  /**
   * Where float16/bfloat16 weights meet a float32 model without {@code cast_dtypes}: how to allow
   * the cast.
   */
  private static String castHint(LoadReport report, boolean castDtypes) {
    if (castDtypes) {
      return "";
    }
    for (LoadReport.Mismatch m : report.mismatched()) {
      if (m.modelDtype().equals("float32")
          && (m.stateDictDtype().equals("float16") || m.stateDictDtype().equals("bfloat16"))
          && java.util.Arrays.equals(m.modelShape(), m.stateDictShape())) {
        return "; the stored weights are "
            + m.stateDictDtype()
            + " and the model float32: set "
            + DTypeCast.CAST_DTYPES
            + ": true on the initializer to convert them (exactly, float16 and bfloat16 widen to float32 without rounding)";
      }
    }
    return "";
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
    return String.join(", ", all.subList(0, NAMES_SHOWN))
        + " and "
        + (all.size() - NAMES_SHOWN)
        + " more";
  }
}
