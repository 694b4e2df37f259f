/**
 * The contracts of Noether for the JVM. User code and plugins compile against this module alone; it
 * depends on nothing but the JDK. Sub-packages hold one concept each: {@code tensor}, {@code
 * model}, {@code optim}, {@code state}, {@code checkpoint}, {@code callback}, {@code init}, {@code
 * data}, {@code train}, {@code run} {@code cli} (commands other jars add to {@code noether}) and
 * {@code spi} (the factories that {@link java.util.ServiceLoader} discovers, the engine's extension
 * points, and, through {@link ai.noether.api.spi.FrameworkServices}, the framework services that
 * engine code outside injection needs). The framework's other services ({@code logger.Terminal},
 * {@code logger.HistoryReader}, {@code logger.HistoryPlotter}, {@code checkpoint.RunListing}) are
 * injected.
 */
package ai.noether.api;
