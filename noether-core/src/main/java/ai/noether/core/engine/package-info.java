/**
 * Engine-neutral hooks into the compute engine's process-wide settings (its thread pools). An
 * engine module implements {@link ai.noether.core.engine.EngineThreads} and lists it in its
 * services file.
 */
package ai.noether.core.engine;
