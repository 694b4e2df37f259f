package ai.noether.core.data.window;

import ai.noether.api.Nullable;
import ai.noether.api.tensor.DType;
import java.util.Arrays;

/**
 * The per-window targets derived from the window's position in its series: the remaining useful
 * life (RUL) at the window's last time step, optionally capped (piecewise-linear: constant at the
 * cap early in life, then falling by one per step), and a health class from RUL thresholds.
 *
 * @param rulField the RUL field's name; null for no RUL field
 * @param rulCap the cap of the RUL field; {@code Double.POSITIVE_INFINITY} for none
 * @param rulType the RUL field's dtype
 * @param healthField the health class field's name; null for none
 * @param healthThresholds ascending RUL thresholds: the class is how many of them the (uncapped)
 *     RUL is at or below, so with {@code [15, 50]} an RUL above 50 is class 0, 16 to 50 class 1,
 *     and 15 or less class 2
 * @param healthType the health field's dtype
 */
public record WindowTargets(
    @Nullable String rulField,
    double rulCap,
    DType rulType,
    @Nullable String healthField,
    double[] healthThresholds,
    DType healthType) {

  public static final WindowTargets NONE =
      new WindowTargets(
          null, Double.POSITIVE_INFINITY, DType.FLOAT32, null, new double[0], DType.INT64);

  public WindowTargets {
    healthThresholds = healthThresholds.clone();
  }

  public boolean any() {
    return rulField != null || healthField != null;
  }

  double rul(double uncapped) {
    return Math.min(uncapped, rulCap);
  }

  long health(double uncapped) {
    long k = 0;
    for (double t : healthThresholds) {
      if (uncapped <= t) {
        k++;
      }
    }
    return k;
  }

  @Override
  public String toString() {
    return "rul "
        + rulField
        + " cap "
        + rulCap
        + ", health "
        + healthField
        + " "
        + Arrays.toString(healthThresholds);
  }
}
