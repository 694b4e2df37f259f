/**
 * Service-provider interfaces. Every configurable component has a factory interface here; an
 * implementation is discovered through {@link java.util.ServiceLoader} when it is listed in
 * {@code META-INF/services/<factory interface name>}. Nothing else needs registering.
 */
package ai.noether.api.spi;
