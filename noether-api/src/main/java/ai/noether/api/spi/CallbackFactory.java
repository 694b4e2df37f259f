package ai.noether.api.spi;

import ai.noether.api.callback.Callback;

/** Builds callbacks; listed in {@code META-INF/services/ai.noether.api.spi.CallbackFactory}. */
public interface CallbackFactory<C> extends ComponentFactory<C> {

  Callback create(C config, ComponentContext context);
}
