/**
 * DJL blocks as {@link ai.noether.api.model.Model}s: {@link ai.noether.djl.model.DjlModel} gives a
 * block's parameters stable, PyTorch-style dotted paths ({@link
 * ai.noether.djl.model.ParameterPaths}) and moves state dicts in and out of it. Model kinds live in
 * sub-packages ({@link ai.noether.djl.model.mlp}); a new kind is a {@link
 * ai.noether.api.spi.ModelFactory} that builds a block and wraps it with {@link
 * ai.noether.djl.model.DjlModel#of}.
 */
package ai.noether.djl.model;
