/**
 * Service-provider interfaces. Every configurable component has a factory interface here; an
 * implementation is discovered through {@link java.util.ServiceLoader} when it is listed in {@code
 * META-INF/services/<factory interface name>}. Nothing else needs registering.
 *
 * <p>Engines extend the framework the same way: {@link ai.noether.api.spi.EngineThreads} (the
 * {@code engine} block's thread counts) and {@link ai.noether.api.spi.VersionReporter} ({@code
 * noether --version}). The other way round, {@link ai.noether.api.spi.FrameworkServices} serves
 * noether-core's implementation of an api service (such as {@link
 * ai.noether.api.spi.ConfigBinding}) to code that runs outside injection.
 */
package ai.noether.api.spi;
