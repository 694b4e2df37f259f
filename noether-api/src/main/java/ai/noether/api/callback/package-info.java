/**
 * Callbacks: the {@link ai.noether.api.callback.Callback} hooks, the {@link
 * ai.noether.api.callback.TrainingContext} they see, and {@link ai.noether.api.callback.Interval}.
 * To add one, implement {@code Callback} and a {@code CallbackFactory}, and list the factory in
 * {@code META-INF/services/ai.noether.api.spi.CallbackFactory}.
 */
package ai.noether.api.callback;
