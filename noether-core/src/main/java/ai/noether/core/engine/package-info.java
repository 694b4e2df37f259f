/**
 * Engine-neutral hooks into the compute engine's process-wide settings (its thread pools). An
 * engine module implements {@link ai.noether.api.spi.EngineThreads} and lists it in its services
 * file; {@link ai.noether.core.engine.EngineSettings} applies them.
 */
package ai.noether.core.engine;
