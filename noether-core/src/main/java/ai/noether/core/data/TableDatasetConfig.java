package ai.noether.core.data;

import ai.noether.api.tensor.DType;
import ai.noether.core.data.text.TextFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Configuration of {@code kind: table}: numbers in delimited text files (CSV with a header, or
 * whitespace-separated columns such as NASA C-MAPSS's), one file per split, fields made of columns,
 * optionally sliding windows over the series of an id column.
 *
 * <pre>{@code
 * dataset:
 *   kind: table
 *   format: whitespace                 # csv (default), tsv or whitespace
 *   columns: [unit, cycle, "setting{1..3}", "s{1..21}"]   # names for files without a header
 *   train: data/train_FD001.txt
 *   test: data/test_FD001.txt
 *   test_rul: data/RUL_FD001.txt       # each test unit's RUL at its last cycle
 *   valid_fraction: 0.2                # units drawn from train by the run seed
 *   group_by: unit
 *   fields:
 *     x: ["setting{1..3}", "s{1..21}"]  # a list: a vector per time step
 *   windows: {length: 30, rul: {cap: 125}, health: {thresholds: [15, 50]}}
 * }</pre>
 *
 * <p>Relative paths are resolved against the working directory of the process (as {@code
 * output_dir}).
 *
 * @param train the training file; required
 * @param valid the validation file; exclusive with {@code valid_fraction}
 * @param test the test file
 * @param validFraction the fraction of the training series (or rows, without {@code group_by})
 *     drawn as the validation split, in (0, 1)
 * @param validSeed the seed of that draw; default the run's seed
 * @param format how values are separated; default {@code csv}
 * @param header whether each file's first line names the columns; default true for csv and tsv,
 *     false for whitespace
 * @param columns column names for files without a header, with ranges such as {@code s{1..21}};
 *     default {@code c0, c1, ...}
 * @param fields the dataset's fields: a column name (a scalar per row) or a list of names (a
 *     vector); required
 * @param dtypes the dtype of a field (default float32 for columns and the RUL, int64 for the health
 *     class)
 * @param groupBy the id column whose runs of equal values are the series (units); default none
 * @param windows sliding windows over the series; default none (one sample per row)
 * @param validRul a file with one number per validation series: its RUL at its last row
 * @param testRul a file with one number per test series: its RUL at its last row
 * @param cacheDir where parsed files are cached; default {@code noether-data-cache} in the
 *     temporary directory
 * @param dataDir the directory the split files' relative names are resolved against (itself
 *     relative to the working directory), so that one configuration reads another copy of the same
 *     files, such as NASA's originals, with a single override; default the working directory
 */
public record TableDatasetConfig(
    @JsonPropertyDescription("the training file") @JsonProperty(value = "train", required = true)
        String train,
    @JsonPropertyDescription("the validation file (or valid_fraction)") @JsonProperty("valid")
        String valid,
    @JsonPropertyDescription("the test file") @JsonProperty("test") String test,
    @JsonPropertyDescription(
            "fraction of the training series (or rows) drawn as validation split, in (0, 1)")
        @JsonProperty("valid_fraction")
        Double validFraction,
    @JsonPropertyDescription("seed of the validation draw")
        @JsonProperty(value = "valid_seed", defaultValue = "the run's seed")
        Long validSeed,
    @JsonPropertyDescription("how values are separated: csv, tsv or whitespace")
        @JsonProperty(value = "format", defaultValue = "csv")
        TextFormat format,
    @JsonPropertyDescription("whether the first line names the columns")
        @JsonProperty(value = "header", defaultValue = "csv, tsv: true; whitespace: false")
        Boolean header,
    @JsonPropertyDescription("column names of files without a header; ranges such as s{1..21}")
        @JsonProperty(value = "columns", defaultValue = "c0, c1, ...")
        List<String> columns,
    @JsonPropertyDescription("field name -> a column (scalar) or a list of columns (vector)")
        @JsonProperty(value = "fields", required = true)
        Map<String, Object> fields,
    @JsonPropertyDescription("field name -> dtype")
        @JsonProperty(value = "dtypes", defaultValue = "float32; health: int64")
        Map<String, DType> dtypes,
    @JsonPropertyDescription("the id column whose runs of equal values are the series (units)")
        @JsonProperty("group_by")
        String groupBy,
    @JsonPropertyDescription(
            "sliding windows over the series: length, stride, padding, rul, health, ...")
        @JsonProperty("windows")
        WindowsConfig windows,
    @JsonPropertyDescription("one number per validation series: its RUL at its last row")
        @JsonProperty("valid_rul")
        String validRul,
    @JsonPropertyDescription("one number per test series: its RUL at its last row")
        @JsonProperty("test_rul")
        String testRul,
    @JsonPropertyDescription("where parsed files are cached")
        @JsonProperty(value = "cache_dir", defaultValue = "<tmp>/noether-data-cache")
        String cacheDir,
    @JsonPropertyDescription(
            "the directory the file names of train, valid, test, valid_rul and test_rul are relative to")
        @JsonProperty(value = "data_dir", defaultValue = "the working directory")
        String dataDir) {

  public TableDatasetConfig {
    if (train == null || train.isBlank()) {
      throw new IllegalArgumentException(
          "train must name the training file, e.g. train: data/train.csv");
    }
    if (valid != null && validFraction != null) {
      throw new IllegalArgumentException(
          "valid and valid_fraction exclude each other: give a validation file, or draw"
              + " a fraction of the training series");
    }
    if (validFraction != null && !(validFraction > 0 && validFraction < 1)) {
      throw new IllegalArgumentException(
          "valid_fraction must be in (0, 1), e.g. 0.2; was " + validFraction);
    }
    if (validSeed != null && validFraction == null) {
      throw new IllegalArgumentException(
          "valid_seed is the seed of valid_fraction's draw; set valid_fraction too");
    }
    format = format == null ? TextFormat.CSV : format;
    header = header == null ? format.headerByDefault() : header;
    if (columns != null) {
      columns = ColumnNames.expand(columns, "columns");
      Set<String> seen = new HashSet<>();
      for (String c : columns) {
        if (!seen.add(c)) {
          throw new IllegalArgumentException(
              "columns names '" + c + "' twice; column names must be unique");
        }
      }
    }
    if (fields == null || fields.isEmpty()) {
      throw new IllegalArgumentException(
          "fields must name at least one field, e.g. fields: {x: [s1, s2], y: target}");
    }
    Map<String, Object> checked = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      checked.put(e.getKey(), fieldColumns(e.getKey(), e.getValue()));
    }
    fields = java.util.Collections.unmodifiableMap(checked);
    dtypes = dtypes == null ? Map.of() : Map.copyOf(dtypes);
    if (windows == null && (validRul != null || testRul != null)) {
      throw new IllegalArgumentException(
          "valid_rul and test_rul give each series' RUL at its end, for windows.rul"
              + " and windows.health; add a windows block or remove them");
    }
    if (validRul != null && valid == null) {
      throw new IllegalArgumentException(
          "valid_rul belongs to a validation file (valid:); a split drawn with"
              + " valid_fraction runs to failure like the training file");
    }
    if (testRul != null && test == null) {
      throw new IllegalArgumentException("test_rul belongs to a test file; add test:");
    }
    if (windows != null) {
      Set<String> names = new HashSet<>(fields.keySet());
      for (String f : windows.lastRow()) {
        if (!fields.containsKey(f)) {
          throw new IllegalArgumentException(
              "windows.last_row names '"
                  + f
                  + "', which is not one of fields: "
                  + String.join(", ", fields.keySet()));
        }
      }
      for (String derived : derivedFields(windows)) {
        if (!names.add(derived)) {
          throw new IllegalArgumentException(
              "the field '"
                  + derived
                  + "' is both in fields and derived by windows;"
                  + " rename one (windows.rul.field / windows.health.field)");
        }
      }
      if ((validRul != null || testRul != null)
          && windows.rul() == null
          && windows.health() == null) {
        throw new IllegalArgumentException(
            "valid_rul and test_rul are used by windows.rul and windows.health;"
                + " configure one of them or remove the files");
      }
    }
    Set<String> all = new HashSet<>(fields.keySet());
    if (windows != null) {
      all.addAll(derivedFields(windows));
    }
    for (String f : dtypes.keySet()) {
      if (!all.contains(f)) {
        throw new IllegalArgumentException(
            "dtypes names '"
                + f
                + "', which is not a field; the fields are "
                + String.join(", ", all));
      }
    }
  }

  private static List<String> derivedFields(WindowsConfig windows) {
    List<String> out = new ArrayList<>();
    if (windows.rul() != null) {
      out.add(windows.rul().field());
    }
    if (windows.health() != null) {
      out.add(windows.health().field());
    }
    return out;
  }

  /** A field's columns: a name (String) or an expanded list of names (List). */
  private static Object fieldColumns(String field, Object value) {
    String key = "fields." + field;
    if (value instanceof String s) {
      List<String> expanded = ColumnNames.expand(List.of(s), key);
      return expanded.size() == 1 ? expanded.get(0) : expanded;
    }
    if (value instanceof List<?> list && !list.isEmpty()) {
      List<String> names = new ArrayList<>();
      for (Object o : list) {
        if (!(o instanceof String s)) {
          throw new IllegalArgumentException(key + " must list column names, found " + o);
        }
        names.add(s);
      }
      return List.copyOf(ColumnNames.expand(names, key));
    }
    throw new IllegalArgumentException(
        key
            + " must be a column name (a scalar per row) or a list of column names"
            + " (a vector), found "
            + value);
  }
}
