/**
 * The Guice extension point of Noether: {@link ai.noether.inject.NoetherModule}, a Guice module
 * found through {@link java.util.ServiceLoader} that binds services into the process injector and,
 * through {@link ai.noether.inject.NoetherModule#runModule()}, into each run's child injector.
 *
 * <p>This artifact exists so that {@code noether-api} gains no dependency but the {@code
 * jakarta.inject} annotations: plugins that only inject services compile against the api, and only
 * a jar that binds services of its own adds this artifact (and with it Guice).
 */
package ai.noether.inject;
