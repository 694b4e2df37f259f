package ai.noether.core.data;

import ai.noether.core.data.window.Padding;
import ai.noether.core.data.window.WindowChoice;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * The {@code windows:} block of {@code kind: table}: samples are sliding windows over the time
 * series that {@code group_by} separates.
 *
 * <pre>{@code
 * windows:
 *   length: 30              # time steps per window
 *   stride: 1               # steps between the ends of neighbouring windows; default 1
 *   padding: edge           # series shorter than length: edge (repeat the first row), zero, drop
 *   last_row: [label]       # fields taken at the window's last time step instead of over the window
 *   rul: {field: rul, cap: 125}
 *   health: {field: health, thresholds: [15, 50]}
 *   valid: all              # windows of the validation split: all (default), last or cut
 *   test: last              # windows of the test split: last (default) or all
 * }</pre>
 *
 * @param length time steps per window; at least 1
 * @param stride steps between the last time steps of neighbouring windows; default 1
 * @param padding what a series shorter than {@code length} gives; default {@code edge}
 * @param lastRow fields (of {@code fields}) taken at the window's last time step; default none
 * @param rul the remaining-useful-life target; default none
 * @param health the health-class target; default none
 * @param valid the windows of the validation split; default {@code all}; {@code cut}: one window
 *     per series ending at a seeded point before its end, as test series are cut
 * @param test the windows of the test split; default {@code last}, one per series
 */
public record WindowsConfig(
    @JsonPropertyDescription("time steps per window")
        @JsonProperty(value = "length", required = true)
        int length,
    @JsonPropertyDescription("time steps between the ends of neighbouring windows")
        @JsonProperty(value = "stride", defaultValue = "1")
        Integer stride,
    @JsonPropertyDescription(
            "a series shorter than length: edge (repeat its first row), zero, or drop it")
        @JsonProperty(value = "padding", defaultValue = "edge")
        Padding padding,
    @JsonPropertyDescription(
            "fields taken at the window's last time step instead of over the window")
        @JsonProperty("last_row")
        List<String> lastRow,
    @JsonPropertyDescription(
            "the remaining useful life at the window's last time step: {field, cap}")
        @JsonProperty("rul")
        RulConfig rul,
    @JsonPropertyDescription("a class from RUL thresholds: {field, thresholds}")
        @JsonProperty("health")
        HealthConfig health,
    @JsonPropertyDescription(
            "windows of the validation split: all, last (one per series) or cut (one per series, cut before its end by the seed)")
        @JsonProperty(value = "valid", defaultValue = "all")
        WindowChoice valid,
    @JsonPropertyDescription("windows of the test split: last (one per series) or all")
        @JsonProperty(value = "test", defaultValue = "last")
        WindowChoice test) {

  public WindowsConfig {
    if (length < 1) {
      throw new IllegalArgumentException("windows.length must be at least 1, was " + length);
    }
    if (stride != null && stride < 1) {
      throw new IllegalArgumentException("windows.stride must be at least 1, was " + stride);
    }
    stride = stride == null ? 1 : stride;
    padding = padding == null ? Padding.EDGE : padding;
    lastRow = lastRow == null ? List.of() : List.copyOf(lastRow);
    valid = valid == null ? WindowChoice.ALL : valid;
    test = test == null ? WindowChoice.LAST : test;
    if (test == WindowChoice.CUT) {
      throw new IllegalArgumentException(
          "windows.test: cut is for a validation split drawn from run-to-failure series;"
              + " test series are already cut (their RUL comes from test_rul): use last or all");
    }
  }

  /**
   * The remaining useful life (RUL) at a window's last time step: the time steps left in its series
   * (plus the series' RUL at its end, from {@code valid_rul}/{@code test_rul}), capped at {@code
   * cap} when given.
   *
   * @param field the field's name; default {@code rul}
   * @param cap the largest value (piecewise-linear RUL, e.g. 125); default none
   */
  public record RulConfig(
      @JsonPropertyDescription("the field's name")
          @JsonProperty(value = "field", defaultValue = "rul")
          String field,
      @JsonPropertyDescription("the largest RUL value (piecewise-linear target), e.g. 125")
          @JsonProperty("cap")
          Double cap) {
    public RulConfig {
      field = field == null ? "rul" : field;
      if (field.isBlank()) {
        throw new IllegalArgumentException("windows.rul.field must name the field, e.g. rul");
      }
      if (cap != null && !(cap > 0)) {
        throw new IllegalArgumentException("windows.rul.cap must be positive, was " + cap);
      }
    }
  }

  /**
   * A health class from the uncapped RUL: the number of {@code thresholds} the RUL is at or below.
   *
   * @param field the field's name; default {@code health}
   * @param thresholds ascending RUL values; at least one
   */
  public record HealthConfig(
      @JsonPropertyDescription("the field's name")
          @JsonProperty(value = "field", defaultValue = "health")
          String field,
      @JsonPropertyDescription(
              "ascending RUL thresholds; the class counts those the RUL is at or below")
          @JsonProperty(value = "thresholds", required = true)
          List<Double> thresholds) {
    public HealthConfig {
      field = field == null ? "health" : field;
      if (field.isBlank()) {
        throw new IllegalArgumentException("windows.health.field must name the field, e.g. health");
      }
      if (thresholds == null || thresholds.isEmpty()) {
        throw new IllegalArgumentException(
            "windows.health.thresholds must list at least one RUL value, e.g. [15, 50]");
      }
      for (int i = 0; i < thresholds.size(); i++) {
        Double t = thresholds.get(i);
        if (t == null || t.isNaN() || i > 0 && !(t > thresholds.get(i - 1))) {
          throw new IllegalArgumentException(
              "windows.health.thresholds must be numbers in ascending order, e.g."
                  + " [15, 50]; got "
                  + thresholds);
        }
      }
      thresholds = List.copyOf(thresholds);
    }
  }
}
