/**
 * Guice wiring: the injector of each run ({@link ai.noether.core.inject.RunInjector}), a child of
 * the process injector that the registry builds from every {@link ai.noether.inject.NoetherModule}
 * on the class path, and core's own module ({@link ai.noether.core.inject.CoreModule}), which binds
 * the process-wide and run services plugins inject through their {@code noether-api} interfaces.
 *
 * <p>To give plugins a new run service: declare its interface in {@code noether-api}, implement it
 * here or in the package that owns the concept, and bind it in {@code CoreModule.runModule()} (or
 * in the module of the jar that provides it).
 */
package ai.noether.core.inject;
