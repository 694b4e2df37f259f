/**
 * Acting on the best value of a metric: {@code kind: best-checkpoint} saves the model whenever a
 * metric reaches a new best ({@code best.{metric}} files, plus optional tolerance variants), and
 * {@code kind: best-metric} logs other metrics as they were when a source metric was best ({@code
 * <target>/at_best/<source>}). Both keep their best values across a resume.
 */
package ai.noether.callbacks.best;
