/**
 * The {@code previous-run} initializer: weights from a checkpoint of an earlier run, found by run
 * id, stage name, checkpoint tag and model info in Noether's directory layout.
 */
package ai.noether.initializers.previousrun;
