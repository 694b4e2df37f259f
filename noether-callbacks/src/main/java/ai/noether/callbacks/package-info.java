/**
 * The callbacks that ship with Noether for the JVM, one package per concept: periodic {@linkplain
 * ai.noether.callbacks.checkpoint checkpoints}, {@linkplain ai.noether.callbacks.ema EMA weights},
 * {@linkplain ai.noether.callbacks.best best checkpoints and best metrics}, {@linkplain
 * ai.noether.callbacks.stopping stopping rules}, {@linkplain ai.noether.callbacks.history history
 * plots} and {@linkplain ai.noether.callbacks.logging progress and learning-rate logging}.
 *
 * <p>Every callback is a plugin: a {@link ai.noether.api.spi.CallbackFactory} listed in {@code
 * META-INF/services/ai.noether.api.spi.CallbackFactory}, with a permanent short {@code kind} and an
 * immutable config record bound from the YAML block. They are written against {@code noether-api}
 * types only, so they work with any engine. A callback that keeps state across a resume implements
 * {@link ai.noether.api.state.Stateful} and has a stable state key.
 */
package ai.noether.callbacks;
