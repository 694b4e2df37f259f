package ai.noether.api.spi;

import ai.noether.api.optim.LrSchedule;

/**
 * Builds LR schedules; listed in {@code META-INF/services/ai.noether.api.spi.LrScheduleFactory}.
 */
public interface LrScheduleFactory<C> extends ComponentFactory<C> {

  LrSchedule create(C config, ComponentContext context);
}
