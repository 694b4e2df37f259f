package ai.noether.core.data;

import ai.noether.api.Nullable;
import ai.noether.api.data.Dataset;
import ai.noether.api.tensor.DType;
import ai.noether.core.data.text.ColumnField;
import ai.noether.core.data.text.ColumnTable;
import ai.noether.core.data.text.TableRowDataset;
import ai.noether.core.data.text.TextFormat;
import ai.noether.core.data.text.TextTableReader;
import ai.noether.core.data.window.Series;
import ai.noether.core.data.window.WindowChoice;
import ai.noether.core.data.window.WindowDataset;
import ai.noether.core.data.window.WindowTargets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the splits of {@code kind: table} from its configuration; see {@link TableDatasetConfig}.
 */
public final class TableDatasets {
  private static final Logger LOG = LoggerFactory.getLogger(TableDatasets.class);

  private final TableDatasetConfig config;
  private final Path baseDir;
  private final DataCache cache;

  private TableDatasets(TableDatasetConfig config, Path baseDir) {
    this.config = config;
    this.baseDir = config.dataDir() == null ? baseDir : baseDir.resolve(config.dataDir());
    this.cache =
        config.cacheDir() == null
            ? DataCache.inTempDir()
            : new DataCache(baseDir.resolve(config.cacheDir()));
  }

  /**
   * The splits of {@code config}, with relative paths resolved against {@code baseDir}.
   *
   * @param seed the run's seed: the validation draw's seed unless {@code valid_seed} is set
   * @throws DataFileException naming the file, line and column of any problem with the files
   */
  public static FileDataSource open(TableDatasetConfig config, long seed, Path baseDir) {
    return new TableDatasets(config, baseDir.toAbsolutePath())
        .build(config.validSeed() == null ? seed : config.validSeed());
  }

  private FileDataSource build(long drawSeed) {
    ColumnTable trainTable = read(config.train());
    ColumnTable validTable = config.valid() == null ? null : read(config.valid());
    ColumnTable testTable = config.test() == null ? null : read(config.test());
    FileDataSource data =
        config.windows() == null
            ? rows(trainTable, validTable, testTable, drawSeed)
            : windows(trainTable, validTable, testTable, drawSeed);
    LOG.info("dataset table: {}", data.describe());
    return data;
  }

  private ColumnTable read(String file) {
    return TextTableReader.read(
        baseDir.resolve(file), file, config.format(), config.header(), config.columns(), cache);
  }

  // ---- one sample per row
  // ------------------------------------------------------------------------

  private FileDataSource rows(
      ColumnTable train, @Nullable ColumnTable valid, @Nullable ColumnTable test, long drawSeed) {
    List<ColumnField> trainFields = fields(train, List.of());
    RowSelection trainRows = RowSelection.all(train.rows());
    Dataset validSplit = null;
    if (valid != null) {
      validSplit =
          new TableRowDataset(valid, fields(valid, List.of()), RowSelection.all(valid.rows()));
    } else if (config.validFraction() != null) {
      RowSelection[] drawn;
      if (config.groupBy() != null) {
        drawn = drawGroupRows(train, drawSeed);
      } else {
        drawn = ValidationDraw.rows(train.rows(), config.validFraction(), drawSeed);
        if (drawn[0].size() == 0 || drawn[1].size() == 0) {
          throw new DataFileException(
              "valid_fraction "
                  + config.validFraction()
                  + " of the "
                  + train.rows()
                  + " rows of "
                  + train.shownAs()
                  + " leaves "
                  + (drawn[1].size() == 0 ? "no validation" : "no training")
                  + " row; change valid_fraction or give a validation file with valid:");
        }
      }
      trainRows = drawn[0];
      validSplit = new TableRowDataset(train, trainFields, drawn[1]);
    }
    Dataset testSplit =
        test == null
            ? null
            : new TableRowDataset(test, fields(test, List.of()), RowSelection.all(test.rows()));
    return new FileDataSource(
        new TableRowDataset(train, trainFields, trainRows), validSplit, testSplit);
  }

  private RowSelection[] drawGroupRows(ColumnTable train, long drawSeed) {
    List<Series> series = Series.of(train, train.column(config.groupBy(), "group_by"));
    boolean[] inValid =
        ValidationDraw.groups(
            series.size(), config.validFraction(), drawSeed, config.groupBy() + " values");
    RowSelection.Builder t = RowSelection.builder();
    RowSelection.Builder v = RowSelection.builder();
    for (int s = 0; s < series.size(); s++) {
      Series one = series.get(s);
      RowSelection.Builder to = inValid[s] ? v : t;
      for (long r = 0; r < one.rows(); r++) {
        to.add(one.firstRow() + r);
      }
    }
    return new RowSelection[] {t.build(), v.build()};
  }

  // ---- sliding windows
  // ---------------------------------------------------------------------------

  private FileDataSource windows(
      ColumnTable train, @Nullable ColumnTable valid, @Nullable ColumnTable test, long drawSeed) {
    WindowsConfig w = config.windows();
    WindowTargets targets = targets(w);
    List<Series> trainSeries = series(train);
    List<Series> validSeries = null;
    if (config.validFraction() != null) {
      boolean[] inValid =
          ValidationDraw.groups(
              trainSeries.size(),
              config.validFraction(),
              drawSeed,
              config.groupBy() == null ? "series" : config.groupBy() + " values");
      List<Series> keep = new ArrayList<>();
      validSeries = new ArrayList<>();
      for (int s = 0; s < trainSeries.size(); s++) {
        (inValid[s] ? validSeries : keep).add(trainSeries.get(s));
      }
      trainSeries = keep;
    }
    Dataset trainSplit =
        windowSplit("train", train, trainSeries, new double[trainSeries.size()], false, targets);
    Dataset validSplit = null;
    if (valid != null) {
      List<Series> series = series(valid);
      double[] offsets =
          config.validRul() == null
              ? new double[series.size()]
              : rulAtEnd(config.validRul(), "valid", valid, series);
      validSplit = validWindows(valid, series, offsets, w, drawSeed, targets);
    } else if (validSeries != null) {
      validSplit =
          validWindows(train, validSeries, new double[validSeries.size()], w, drawSeed, targets);
    }
    Dataset testSplit = null;
    if (test != null) {
      List<Series> series = series(test);
      double[] offsets =
          config.testRul() == null
              ? new double[series.size()]
              : rulAtEnd(config.testRul(), "test", test, series);
      testSplit =
          windowSplit("test", test, series, offsets, w.test() == WindowChoice.LAST, targets);
    }
    return new FileDataSource(trainSplit, validSplit, testSplit);
  }

  /** The validation windows; with {@code valid: cut}, each series cut at a seeded point first. */
  private WindowDataset validWindows(
      ColumnTable table,
      List<Series> series,
      double[] offsets,
      WindowsConfig w,
      long drawSeed,
      WindowTargets targets) {
    if (w.valid() != WindowChoice.CUT) {
      return windowSplit("valid", table, series, offsets, w.valid() == WindowChoice.LAST, targets);
    }
    // One stream per series from the draw's seed: the same seed cuts the same engines the same way.
    java.util.SplittableRandom random =
        new java.util.SplittableRandom(drawSeed ^ 0x6375745365656421L);
    List<Series> cut = new ArrayList<>(series.size());
    double[] cutOffsets = new double[series.size()];
    for (int s = 0; s < series.size(); s++) {
      Series whole = series.get(s);
      java.util.SplittableRandom own = random.split();
      // Keep at least one window's length (or the whole series when shorter) and drop at least the
      // last row.
      long earliest = Math.min(w.length(), Math.max(1, whole.rows() - 1));
      long latest = Math.max(earliest, whole.rows() - 1);
      long rows = earliest + own.nextLong(latest - earliest + 1);
      cut.add(new Series(whole.id(), whole.firstRow(), rows));
      cutOffsets[s] = offsets[s] + (whole.rows() - rows);
    }
    return windowSplit("valid", table, cut, cutOffsets, true, targets);
  }

  private List<Series> series(ColumnTable table) {
    return Series.of(
        table, config.groupBy() == null ? -1 : table.column(config.groupBy(), "group_by"));
  }

  private WindowDataset windowSplit(
      String split,
      ColumnTable table,
      List<Series> series,
      double[] offsets,
      boolean lastOnly,
      WindowTargets targets) {
    WindowsConfig w = config.windows();
    List<ColumnField> windowFields = fields(table, w.lastRow());
    List<ColumnField> lastRowFields = new ArrayList<>();
    for (String name : w.lastRow()) {
      lastRowFields.add(field(table, name));
    }
    WindowDataset windows =
        new WindowDataset(
            table,
            series,
            offsets,
            w.length(),
            w.stride(),
            w.padding(),
            lastOnly,
            windowFields,
            lastRowFields,
            targets);
    if (windows.size() == 0) {
      throw new DataFileException(
          table.shownAs()
              + ": the "
              + split
              + " split has no window: every series is shorter"
              + " than windows.length "
              + w.length()
              + " and windows.padding is drop; use padding: edge or a shorter length");
    }
    List<Series> dropped = windows.dropped();
    if (!dropped.isEmpty()) {
      LOG.warn(
          "{}: {} of {} series are shorter than windows.length {} and dropped from the {} split (padding: drop): {}",
          table.shownAs(),
          dropped.size(),
          series.size(),
          w.length(),
          split,
          String.join(", ", dropped.stream().limit(20).map(Series::idText).toList()));
    }
    return windows;
  }

  /** Each series' RUL at its last row, one number per line of {@code file}, in series order. */
  private double[] rulAtEnd(String file, String split, ColumnTable table, List<Series> series) {
    String key = split + "_rul";
    ColumnTable values =
        TextTableReader.read(
            baseDir.resolve(file), file, TextFormat.WHITESPACE, false, null, cache);
    if (values.columns() != 1 || values.rows() != series.size()) {
      throw new DataFileException(
          key
              + " "
              + file
              + " has "
              + values.rows()
              + " rows of "
              + values.columns()
              + " values, but "
              + table.shownAs()
              + " has "
              + series.size()
              + " series"
              + (config.groupBy() == null ? "" : " (group_by: " + config.groupBy() + ")")
              + "; it needs one number per line, each series' remaining useful life at its last row, in file order");
    }
    double[] out = new double[series.size()];
    for (int s = 0; s < out.length; s++) {
      out[s] = values.value(s, 0);
      if (!(out[s] >= 0) || Double.isInfinite(out[s])) {
        throw new DataFileException(
            file
                + " line "
                + (s + 1)
                + " ("
                + key
                + " of series "
                + series.get(s).idText()
                + "): "
                + out[s]
                + " is not a remaining useful life; it must be a number >= 0");
      }
    }
    return out;
  }

  private WindowTargets targets(WindowsConfig w) {
    WindowsConfig.RulConfig rul = w.rul();
    WindowsConfig.HealthConfig health = w.health();
    double[] thresholds =
        health == null
            ? new double[0]
            : health.thresholds().stream().mapToDouble(Double::doubleValue).toArray();
    return new WindowTargets(
        rul == null ? null : rul.field(),
        rul == null || rul.cap() == null ? Double.POSITIVE_INFINITY : rul.cap(),
        rul == null ? DType.FLOAT32 : dtype(rul.field(), DType.FLOAT32),
        health == null ? null : health.field(),
        thresholds,
        health == null ? DType.INT64 : dtype(health.field(), DType.INT64));
  }

  // ---- fields
  // ------------------------------------------------------------------------------------

  /** The configured fields of {@code table}, without those named in {@code except}. */
  private List<ColumnField> fields(ColumnTable table, List<String> except) {
    List<ColumnField> out = new ArrayList<>();
    for (String name : config.fields().keySet()) {
      if (!except.contains(name)) {
        out.add(field(table, name));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private ColumnField field(ColumnTable table, String name) {
    Object columns = config.fields().get(name);
    boolean vector = columns instanceof List<?>;
    List<String> names =
        columns instanceof List<?> list ? (List<String>) list : List.of((String) columns);
    ColumnField field = ColumnField.of(table, name, names, vector, dtype(name, DType.FLOAT32));
    field.checkValues(table);
    return field;
  }

  private DType dtype(String field, DType otherwise) {
    DType t = config.dtypes().get(field);
    if (t != null && !Elements.WRITABLE.contains(t)) {
      throw new IllegalArgumentException(
          "dtypes."
              + field
              + ": "
              + t.name().toLowerCase(java.util.Locale.ROOT)
              + " is not supported for table fields; valid: "
              + Elements.names(Elements.WRITABLE));
    }
    return t == null ? otherwise : t;
  }
}
