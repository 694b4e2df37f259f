/**
 * Model initializers as plugins: {@code previous-run} ({@link ai.noether.initializers.previousrun})
 * takes the weights of a checkpoint of an earlier run, {@code checkpoint-file} ({@link
 * ai.noether.initializers.file}) those of one file, a Noether {@code .th} model file, a PyTorch
 * state dict or a safetensors file. Both map stored keys onto the model's with the shared {@link
 * ai.noether.initializers.mapping.KeyMapping}.
 *
 * <p>A further initializer is a class implementing {@link ai.noether.api.init.Initializer}, built
 * by an {@link ai.noether.api.spi.InitializerFactory} listed in {@code
 * META-INF/services/ai.noether.api.spi.InitializerFactory}.
 */
package ai.noether.initializers;
