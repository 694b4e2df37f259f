/**
 * The standard metrics, engine-neutral: {@code rmse}, {@code mae}, {@code accuracy}, {@code f1} and
 * NASA's asymmetric RUL score {@code nasa_score}. Each is a {@link ai.noether.api.metric.Metric}
 * that declares its {@link ai.noether.api.metric.Direction} and reads the host copies of one head's
 * predictions and its target field batch by batch; a {@link ai.noether.api.spi.MetricFactory}
 * listed in {@code META-INF/services/ai.noether.api.spi.MetricFactory} registers it under its kind.
 *
 * <p>A metric's kind is also its name in metric keys ({@code nasa_score/valid/rul}): metric names
 * follow Noether's key spelling with {@code _}, so the YAML entry and the logged key agree.
 *
 * <p>A new metric implements {@link ai.noether.api.metric.Metric} and is listed like these; see
 * {@code docs/metrics.md}.
 */
package ai.noether.core.metric;
