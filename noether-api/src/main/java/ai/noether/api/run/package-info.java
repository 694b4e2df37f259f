/**
 * Facts about the run being built ({@link ai.noether.api.run.RunInfo}, the configured
 * {@link ai.noether.api.run.DeviceSpec}) that factories read from their
 * {@link ai.noether.api.spi.ComponentContext}.
 */
package ai.noether.api.run;
