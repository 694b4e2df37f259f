/**
 * Learning-rate schedules, engine-neutral. Each maps the optimizer's base learning rate and the
 * update counter to the rate of the next update:
 *
 * <ul>
 *   <li>{@code constant}, {@code linear-warmup}, {@code cosine}, {@code step} and {@code
 *       warmup-cosine} are pure functions of the counters, so they need no saved state and a
 *       resumed run continues them exactly;
 *   <li>{@code reduce-on-plateau} reacts to evaluation metrics and saves its state through {@link
 *       ai.noether.api.state.Stateful}.
 * </ul>
 *
 * <p>The update counter {@code u} counts completed updates: the first update runs with the rate for
 * {@code u = 0}. A new schedule is an {@link ai.noether.api.optim.LrSchedule} with a {@link
 * ai.noether.api.spi.LrScheduleFactory} listed in {@code
 * META-INF/services/ai.noether.api.spi.LrScheduleFactory}.
 */
package ai.noether.core.schedule;
