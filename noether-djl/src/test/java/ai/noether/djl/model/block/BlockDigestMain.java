package ai.noether.djl.model.block;

import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.StateDigest;
import ai.noether.testkit.TestComponentContext;

/**
 * Builds the test block through the {@code block} kind with a run seed and prints its digest; run
 * in a child JVM.
 */
public final class BlockDigestMain {
  private BlockDigestMain() {}

  public static void main(String[] args) throws Exception {
    try (DjlModel model =
        new BlockModelFactory()
            .create(
                "net",
                BlockModelFactoryTest.config(args[1]),
                TestComponentContext.withSeed(Long.parseLong(args[0])))) {
      System.out.println("digest=" + StateDigest.of(model.stateDict()));
    }
  }
}
