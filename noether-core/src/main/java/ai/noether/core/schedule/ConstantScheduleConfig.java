package ai.noether.core.schedule;

/**
 * The {@code constant} schedule has no settings.
 *
 * <pre>{@code
 * schedule:
 *   kind: constant
 * }</pre>
 */
public record ConstantScheduleConfig() {}
