/**
 * What "better" means for a metric: {@link ai.noether.callbacks.metric.MetricMode} (minimise or
 * maximise, given in the config or inferred from the metric's name) and
 * {@link ai.noether.callbacks.metric.BestTracker}, the best value seen so far with the iteration
 * it was seen at. Shared by best checkpoints, best-metric logging and early stopping, so they all
 * agree on which value is best.
 */
package ai.noether.callbacks.metric;
