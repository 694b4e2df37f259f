/**
 * Facts about the run being built ({@link ai.noether.api.run.RunInfo}, the configured {@link
 * ai.noether.api.run.DeviceSpec}) and its seeds ({@link ai.noether.api.run.RunSeeds}), which
 * factories read from their {@link ai.noether.api.spi.ComponentContext} and components get through
 * their {@code @Inject} constructors.
 */
package ai.noether.api.run;
