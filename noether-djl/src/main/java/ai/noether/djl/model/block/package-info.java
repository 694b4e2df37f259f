/**
 * The {@code block} model kind: a user's own DJL block by class name (constructor, static factory
 * method or {@link ai.noether.djl.model.block.BlockFactory}), with arguments from YAML, declared
 * input shapes and initial weights from the run seed.
 */
package ai.noether.djl.model.block;
