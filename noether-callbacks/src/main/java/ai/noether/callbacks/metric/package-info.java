/**
 * What "better" means for a metric: {@link ai.noether.callbacks.metric.BestTracker}, the best value
 * seen so far in a {@link ai.noether.api.metric.Direction} with the iteration it was seen at, and
 * {@link ai.noether.callbacks.metric.Directions}, where factories find the directions the training
 * step declares. The direction comes from an explicit {@code mode: min|max} or from the step
 * ({@link ai.noether.api.metric.MetricDirections}); it is never guessed from a metric's name.
 * Shared by best checkpoints, best-metric logging and early stopping, so they all agree on which
 * value is best.
 */
package ai.noether.callbacks.metric;
