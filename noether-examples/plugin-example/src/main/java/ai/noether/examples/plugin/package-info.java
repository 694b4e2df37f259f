/**
 * Callback plugins written the way a user writes one, in a project of their own that depends on
 * {@code ai.noether:noether-api} only. Each sub-package is one callback kind; the factories are
 * listed in {@code META-INF/services/ai.noether.api.spi.CallbackFactory}.
 */
package ai.noether.examples.plugin;
