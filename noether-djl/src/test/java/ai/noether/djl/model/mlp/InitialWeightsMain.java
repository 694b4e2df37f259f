package ai.noether.djl.model.mlp;

import ai.djl.Device;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.StateDigest;
import java.util.List;

/** Prints the digest of a freshly built MLP's state dict; run in a child JVM by the tests. */
public final class InitialWeightsMain {
  private InitialWeightsMain() {}

  public static void main(String[] args) {
    long initSeed = Long.parseLong(args[0]);
    try (DjlModel model =
        MlpModelFactory.build(
            "net", new MlpConfig(6, List.of(16, 8), 3, "tanh", 0.2), Device.cpu(), initSeed)) {
      System.out.println("digest=" + StateDigest.of(model.stateDict()));
    }
  }
}
