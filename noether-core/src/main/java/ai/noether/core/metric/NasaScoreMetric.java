package ai.noether.core.metric;

import ai.noether.api.metric.Direction;
import ai.noether.api.metric.Metric;

/**
 * {@code nasa_score}: the asymmetric scoring function of the PHM08 / C-MAPSS remaining-useful-life
 * challenge, summed over the samples of the split. With {@code d = predicted - true}, an early
 * prediction ({@code d < 0}) adds {@code exp(-d/13) - 1} and a late one ({@code d >= 0}) adds
 * {@code exp(d/10) - 1}: predicting failure too late costs more than too early. A perfect model
 * scores 0; <b>lower is better</b> (a score, but not one to maximise).
 *
 * <p>It is a sum, not a mean, as the challenge defines it: comparable only between evaluations of
 * the same split.
 */
public final class NasaScoreMetric implements Metric {
  /** The metric's name in keys, and its kind. */
  public static final String NAME = "nasa_score";

  /** The divisor of early predictions' differences. */
  public static final double EARLY = 13;

  /** The divisor of late predictions' differences. */
  public static final double LATE = 10;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Direction direction() {
    return Direction.LOWER_IS_BETTER;
  }

  @Override
  public Accumulator newAccumulator() {
    return new ErrorSum(NAME, NasaScoreMetric::score, (sum, count) -> sum);
  }

  /** One sample's score for the difference {@code d = predicted - true}. */
  public static double score(double d) {
    return d < 0 ? Math.expm1(-d / EARLY) : Math.expm1(d / LATE);
  }
}
