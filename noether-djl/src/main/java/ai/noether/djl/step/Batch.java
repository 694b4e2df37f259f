package ai.noether.djl.step;

import ai.djl.ndarray.NDList;

/**
 * The arrays of one batch on the model's device.
 *
 * @param inputs the model inputs (the features), first dimension the batch
 * @param targets the targets, first dimension the batch
 */
public record Batch(NDList inputs, NDList targets) {}
