package ai.noether.api.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Registers a component class under a kind without a factory class of its own. The component (a
 * {@link ai.noether.api.metric.Metric}, {@link ai.noether.api.callback.Callback}, {@link
 * ai.noether.api.train.TrainingStep}, ... — what a factory interface of this package creates) is
 * listed in {@code META-INF/services/<component interface name>} (for example {@code
 * META-INF/services/ai.noether.api.metric.Metric}), or named by its class name as {@code kind:}.
 * The framework builds its factory:
 *
 * <ul>
 *   <li>the component's public constructor takes its settings as one parameter of a config type (a
 *       record whose components are the YAML keys, bound and validated like any factory's config;
 *       no such parameter for a component without settings), and any of the values the category's
 *       factory method receives besides the config ({@code Model}, {@code DataSource}, {@link
 *       ComponentContext}, ...), in any order;
 *   <li>when it has several public constructors, the one with the most parameters the framework can
 *       supply is used.
 * </ul>
 *
 * <pre>{@code
 * @Kind(value = "within", description = "fraction of predictions within a tolerance of the target")
 * public final class WithinMetric implements Metric {
 *   public record Config(@JsonProperty("tolerance") double tolerance) {}
 *
 *   public WithinMetric(Config config) { ... }
 *   ...
 * }
 * }</pre>
 *
 * <p>The kind is a contract, as a factory's (see {@link ComponentFactory#kind()}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Kind {

  /** The permanent short name written as {@code kind:} in YAML. */
  String value();

  /** One line saying what the component does, for listings. */
  String description() default "";
}
