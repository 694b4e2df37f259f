package ai.noether.api.state;

import java.util.Map;

/**
 * A component whose state must survive a checkpoint and a resume (optimizers, stateful schedules,
 * callbacks, trainers).
 *
 * <p>A state is a tree of plain values only, so that it can be written to a {@code .th} file that
 * PyTorch can read and that loading can never run code: {@code Map<String, ?>} (iteration order is
 * preserved), {@code List<?>}, {@code String}, {@code Long}/{@code Integer}, {@code Double}/ {@code
 * Float}, {@code Boolean}, {@code null} and {@link ai.noether.api.tensor.HostTensor}. Integers come
 * back as {@code Long} and floating point numbers as {@code Double}.
 *
 * <p>Contract: {@code b.loadState(a.state())} makes {@code b} behave exactly like {@code a} from
 * then on, bit for bit.
 */
public interface Stateful {

  /** A snapshot of the state; never null. Later changes to the component do not change it. */
  Map<String, Object> state();

  /**
   * Restores a state produced by {@link #state()}.
   *
   * @throws IllegalArgumentException if the state does not fit this component (naming the key)
   */
  void loadState(Map<String, Object> state);
}
