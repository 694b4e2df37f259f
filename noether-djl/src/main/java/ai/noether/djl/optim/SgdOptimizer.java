package ai.noether.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.model.Model;
import ai.noether.djl.internal.Gradients;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent ({@code sgd}) as PyTorch's {@code torch.optim.SGD} defines it. For
 * each parameter {@code p} with gradient {@code g} and learning rate {@code lr}:
 *
 * <pre>
 * d = g + weight_decay * p
 * if momentum != 0:
 *   b = d                                       on the parameter's first update
 *   b = momentum * b + (1 - dampening) * d      afterwards
 *   d = d + momentum * b   if nesterov,  else  d = b
 * p = p - lr * d
 * </pre>
 *
 * <p>The momentum buffer {@code b} does not include the learning rate (unlike DJL's own SGD), so a
 * schedule that changes the rate behaves as in PyTorch. Without momentum the update is DJL's fused
 * native SGD operator; with momentum, five to seven native in-place operations per parameter.
 *
 * <p>State per parameter: {@code momentum_buffer}, once the parameter has been updated with
 * momentum, as in PyTorch.
 */
public final class SgdOptimizer extends DjlOptimizer {
  private static final List<String> BUFFERS = List.of(CheckpointKeys.MOMENTUM_BUFFER);

  private final double momentum;
  private final double dampening;
  private final boolean nesterov;

  /** Creates SGD for the trainable parameters of {@code model}. */
  public SgdOptimizer(Model model, SgdConfig config) {
    super(SgdOptimizerFactory.KIND, model, config.settings());
    this.momentum = config.momentum();
    this.dampening = config.dampening();
    this.nesterov = config.nesterov();
  }

  @Override
  protected void update(
      ParameterSlot slot, NDArray gradient, float gradientScale, double learningRate) {
    NDArray weight = slot.weight();
    float decay = (float) slot.weightDecay();
    if (momentum == 0) {
      weight
          .getNDArrayInternal()
          .sgdUpdate(
              new NDList(weight, gradient),
              new NDList(weight),
              (float) learningRate,
              decay,
              gradientScale,
              -1f,
              0f,
              false);
      return;
    }
    NDArray d = gradientScale == 1f ? gradient : gradient.mul(gradientScale);
    if (decay != 0) {
      d = d.add(weight.mul(decay));
    }
    NDArray buffer = slot.buffer(CheckpointKeys.MOMENTUM_BUFFER);
    if (buffer == null) {
      buffer = d.duplicate();
      slot.putBuffer(CheckpointKeys.MOMENTUM_BUFFER, buffer);
    } else {
      buffer.muli((float) momentum);
      buffer.addi(dampening == 0 ? d : d.mul((float) (1 - dampening)));
    }
    NDArray direction = nesterov ? d.add(buffer.mul((float) momentum)) : buffer;
    weight.subi(direction.mul((float) learningRate));
    Gradients.zero(weight);
  }

  @Override
  protected List<String> bufferNames() {
    return BUFFERS;
  }

  @Override
  protected boolean countsSteps() {
    return false;
  }

  @Override
  protected Map<String, Object> hyperparameters() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("momentum", momentum);
    h.put("dampening", dampening);
    h.put("nesterov", nesterov);
    return h;
  }
}
