/**
 * The component registry: finds every factory of {@code ai.noether.api.spi} with {@link
 * java.util.ServiceLoader}, creates factories through Guice, resolves a block's {@code kind} (a
 * short name or a factory class name), binds the block to the factory's config type and creates the
 * component with a {@link ai.noether.core.registry.RunContext}, the view of the run's injector
 * ({@link ai.noether.core.inject.RunInjector}) at the block's path. The Guice modules of the class
 * path ({@link ai.noether.inject.NoetherModule}, listed in {@code
 * META-INF/services/ai.noether.inject.NoetherModule}) are found here too, and the command line's
 * {@link ai.noether.api.cli.CommandProvider}s, which the process injector creates like factories.
 *
 * <p>To add a kind, write a factory implementing one of the {@code ai.noether.api.spi} interfaces,
 * and list its class name in {@code META-INF/services/ai.noether.api.spi.<FactoryInterface>} of
 * your jar. Nothing else registers it.
 */
package ai.noether.core.registry;
