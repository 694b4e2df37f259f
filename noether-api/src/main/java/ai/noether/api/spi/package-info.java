/**
 * Service-provider interfaces. Every configurable component has a factory interface here; an
 * implementation is discovered through {@link java.util.ServiceLoader} when it is listed in {@code
 * META-INF/services/<factory interface name>}. Nothing else needs registering.
 *
 * <p>Engines extend the framework the same way: {@link ai.noether.api.spi.EngineThreads} (the
 * {@code engine} block's thread counts) and {@link ai.noether.api.spi.VersionReporter} ({@code
 * noether --version}). The other way round, {@link ai.noether.api.spi.FrameworkServices} serves
 * noether-core's {@link ai.noether.api.spi.ConfigBinding} and {@link
 * ai.noether.api.tensor.SnapshotBuffers} to engine code that runs outside injection; everything the
 * framework creates gets its services injected instead.
 */
package ai.noether.api.spi;
