package ai.noether.core.config;

import ai.noether.api.Nullable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code scaler:} block of the {@code dataset}: which fields are normalised and how. The scaler
 * is fitted on the training split only, its parameters travel as {@code scaler_params} in every
 * model file and in the trainer state, and a resume or an inference reuses them instead of fitting
 * again.
 *
 * <pre>{@code
 * dataset:
 *   kind: my-windows
 *   scaler:
 *     kind: standard            # standard: (x - mean) / std; min-max: (x - min) / (max - min)
 *     fields: [x]               # the fields to scale; each is scaled per channel (its last dimension)
 *     condition_field: op       # optional: a field with each sample's (or time step's) operating condition
 *     chunk_size: 4096          # samples read at a time while fitting (default 4096)
 * }</pre>
 *
 * @param kind {@code standard} or {@code min-max}
 * @param fields the fields to scale, in order; never empty
 * @param conditionField the field holding the operating-condition cluster of each sample (shape
 *     {@code []}) or of each row of the scaled field (its shape without the last dimension); each
 *     cluster gets its own parameters. Null for one set of parameters.
 * @param chunkSize samples gathered at a time while fitting, positive
 */
public record ScalerConfig(
    String kind, List<String> fields, @Nullable String conditionField, int chunkSize) {
  public static final String STANDARD = "standard";
  public static final String MIN_MAX = "min-max";
  // The keys of the block.
  public static final String KIND = "kind";
  public static final String FIELDS = "fields";
  public static final String CONDITION_FIELD = "condition_field";
  public static final String CHUNK_SIZE = "chunk_size";

  /** The keys of a {@code scaler:} block, in documentation order. */
  public static final List<String> KEYS = List.of(KIND, FIELDS, CONDITION_FIELD, CHUNK_SIZE);

  public static final int DEFAULT_CHUNK_SIZE = 4096;

  public ScalerConfig {
    Objects.requireNonNull(kind, "kind");
    if (!kind.equals(STANDARD) && !kind.equals(MIN_MAX)) {
      throw new IllegalArgumentException(
          "scaler kind '" + kind + "' is not known; valid: " + STANDARD + ", " + MIN_MAX);
    }
    fields = List.copyOf(fields);
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("a scaler needs the fields to scale, e.g. fields: [x]");
    }
    if (chunkSize <= 0) {
      throw new IllegalArgumentException("chunk_size must be positive, was " + chunkSize);
    }
  }

  /**
   * The {@code scaler} block of a {@code dataset} block in a plain configuration tree, if there is
   * one.
   *
   * @throws ai.noether.api.ConfigException naming the key and what would be valid
   */
  public static java.util.Optional<ScalerConfig> ofDataset(@Nullable Object datasetTree) {
    if (!(datasetTree instanceof Map<?, ?> dataset) || dataset.get(ConfigKeys.SCALER) == null) {
      return java.util.Optional.empty();
    }
    MapReader dataReader =
        MapReader.of(
            ConfigKeys.DATASET, datasetTree, new Origins("(the configuration)"), "dataset");
    ConfigErrors errors = new ConfigErrors();
    ScalerConfig config =
        read(Objects.requireNonNull(dataReader.child(ConfigKeys.SCALER), "checked above"), errors);
    errors.throwIfAny();
    // read returns null only after recording a problem, which throwIfAny threw.
    return java.util.Optional.of(Objects.requireNonNull(config, "scaler"));
  }

  /** Reads the block, recording every problem in {@code errors}; null when there was one. */
  @Nullable
  static ScalerConfig read(MapReader r, ConfigErrors errors) {
    r.rejectUnknown(KEYS, "of a scaler", errors);
    String kind = errors.read(() -> r.string(KIND, null), "");
    if (kind == null) {
      errors.add(r.missing(KIND, STANDARD + " or " + MIN_MAX));
    } else if (kind.isEmpty()) {
      kind = null;
    } else if (!kind.equals(STANDARD) && !kind.equals(MIN_MAX)) {
      errors.add(
          r.invalid(
              KIND, "'" + kind + "' is not a scaler kind; valid: " + STANDARD + ", " + MIN_MAX));
      kind = null;
    }
    List<String> fields = errors.readOrNull(() -> names(r));
    String condition = errors.readOrNull(() -> r.string(CONDITION_FIELD, null));
    Long chunk = errors.readOrNull(() -> r.positive(CHUNK_SIZE));
    if (chunk != null && chunk > Integer.MAX_VALUE) {
      errors.add(r.invalid(CHUNK_SIZE, "must be at most " + Integer.MAX_VALUE + ", was " + chunk));
      return null;
    }
    if (kind == null || fields == null) {
      return null;
    }
    return new ScalerConfig(
        kind.toLowerCase(Locale.ROOT),
        fields,
        condition,
        chunk == null ? DEFAULT_CHUNK_SIZE : chunk.intValue());
  }

  private static List<String> names(MapReader r) {
    Object v = r.raw(FIELDS);
    if (v == null) {
      throw r.missing(FIELDS, "the fields to scale, e.g. fields: [x]");
    }
    if (!(v instanceof List<?> list) || list.isEmpty()) {
      throw r.invalid(
          FIELDS,
          "expected a non-empty list of field names, e.g. [x], got " + PlainTrees.describe(v));
    }
    List<String> names = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String s) || s.isBlank()) {
        throw r.invalid(FIELDS, "expected field names, got " + PlainTrees.describe(o));
      }
      if (names.contains(s)) {
        throw r.invalid(FIELDS, "names field '" + s + "' twice");
      }
      names.add(s);
    }
    return names;
  }
}
