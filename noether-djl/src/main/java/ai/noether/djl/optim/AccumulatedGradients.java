package ai.noether.djl.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.noether.api.tensor.HostTensor;
import ai.noether.djl.internal.GradMode;
import ai.noether.djl.internal.Gradients;
import ai.noether.djl.tensor.HostTransfer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gradients accumulated in the parameters but not applied yet (a checkpoint taken between the
 * batches of a gradient-accumulation window): copied to the host by parameter path, and copied back
 * bit for bit into a model that may never have run backward.
 */
final class AccumulatedGradients {
  private AccumulatedGradients() {}

  /** The gradient of every parameter that has one, by path; temporaries are freed. */
  static Map<String, HostTensor> toHost(ParameterSlots slots) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    GradMode.withoutRecording(
        () -> {
          try (NDScope scope = new NDScope()) {
            for (ParameterSlot slot : slots.all()) {
              NDArray g = Gradients.gradientOrNull(slot.weight());
              if (g != null) {
                out.put(slot.path(), HostTransfer.toHost(g));
              }
            }
            scope.suppressNotUsedWarning();
          }
        });
    return out;
  }

  /**
   * Sets every parameter's gradient to its saved value, and to zero where none is saved. A
   * parameter that has no gradient yet (a fresh process) gets one through a backward pass of the
   * sum of its values, which is then overwritten with the saved values.
   *
   * @param kind the optimizer kind, for messages
   * @throws IllegalArgumentException if a saved gradient names a parameter the optimizer does not
   *     train or has another shape or dtype, listing every problem; nothing is changed then
   */
  static void load(String kind, ParameterSlots slots, Map<String, HostTensor> gradients) {
    List<String> problems = new ArrayList<>();
    gradients.forEach(
        (path, host) -> {
          ParameterSlot slot = slots.get(path);
          if (slot == null) {
            problems.add("'" + path + "' is not a parameter this optimizer trains");
          } else if (!slot.fits(host)) {
            problems.add(
                "the gradient of '"
                    + path
                    + "' is "
                    + ParameterSlot.layout(host.dtype(), host.shape())
                    + " but the parameter is "
                    + slot.layout());
          }
        });
    if (!problems.isEmpty()) {
      throw slots.misfit("saved gradients do not fit", kind, problems);
    }
    createMissingGradients(slots, gradients);
    GradMode.withoutRecording(
        () -> {
          try (NDScope scope = new NDScope()) {
            for (ParameterSlot slot : slots.all()) {
              HostTensor host = gradients.get(slot.path());
              if (host != null) {
                HostTransfer.copyInto(host, gradientOf(slot));
              } else {
                Gradients.zero(slot.weight());
              }
            }
            scope.suppressNotUsedWarning();
          }
        });
  }

  /** Runs one backward pass that gives a gradient to each saved parameter still without one. */
  private static void createMissingGradients(
      ParameterSlots slots, Map<String, HostTensor> gradients) {
    List<ParameterSlot> without = new ArrayList<>();
    for (ParameterSlot slot : slots.all()) {
      if (gradients.containsKey(slot.path())) {
        try (NDArray g = Gradients.gradientOrNull(slot.weight())) {
          if (g == null) {
            without.add(slot);
          }
        }
      }
    }
    if (without.isEmpty()) {
      return;
    }
    try (NDScope scope = new NDScope();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray total = null;
      for (ParameterSlot slot : without) {
        NDArray sum = slot.weight().sum();
        total = total == null ? sum : total.add(sum);
      }
      collector.backward(total);
      scope.suppressNotUsedWarning();
    }
  }

  private static NDArray gradientOf(ParameterSlot slot) {
    NDArray g = Gradients.gradientOrNull(slot.weight());
    if (g == null) {
      throw new IllegalStateException(
          "parameter '"
              + slot.path()
              + "' ("
              + slot.layout()
              + ") still has no gradient after the backward pass that creates it;"
              + " does it require gradients?");
    }
    return g;
  }
}
