package ai.noether.djl.model;

import ai.djl.Device;

/**
 * Prints one digest per standard layer built with DJL's default initializers from a seed; run in a
 * child JVM.
 */
public final class StandardLayersDigestMain {
  private StandardLayersDigestMain() {}

  public static void main(String[] args) {
    long initSeed = Long.parseLong(args[0]);
    for (StandardLayers.Layer layer : StandardLayers.ALL) {
      try (DjlModel model = StandardLayers.build(layer, Device.cpu(), initSeed)) {
        System.out.println(layer.name() + "=" + StateDigest.of(model.stateDict()));
      }
    }
  }
}
