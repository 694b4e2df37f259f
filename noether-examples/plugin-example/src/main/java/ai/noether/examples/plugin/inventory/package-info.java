/**
 * The {@code checkpoint-inventory} callback: a plugin component with services injected. Its
 * {@code @Inject} ({@code jakarta.inject}) constructor asks for the run's {@link
 * ai.noether.api.run.RunInfo} and {@link ai.noether.api.checkpoint.CheckpointStore}, and the
 * factory has it created by the run's injector ({@link
 * ai.noether.api.spi.ComponentContext#inject}).
 */
package ai.noether.examples.plugin.inventory;
