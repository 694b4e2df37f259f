/**
 * The contracts of Noether for the JVM. User code and plugins compile against this module alone;
 * it depends on nothing but the JDK. Sub-packages hold one concept each: {@code tensor},
 * {@code model}, {@code optim}, {@code state}, {@code checkpoint}, {@code callback}, {@code init}, {@code data}, {@code train}, {@code run}
 * and {@code spi} (the factories that {@link java.util.ServiceLoader} discovers).
 */
package ai.noether.api;
