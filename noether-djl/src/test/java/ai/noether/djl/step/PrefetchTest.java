package ai.noether.djl.step;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.optim.Optimizer;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.training.DataOrder;
import ai.noether.core.training.Seeds;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.StateDigest;
import ai.noether.djl.optim.AdamConfig;
import ai.noether.djl.optim.AdamOptimizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Background prefetching changes when a batch is gathered, never what an update trains on: runs
 * with prefetching (announced as the trainer announces, or announced wrongly) end bit for bit where
 * a run without it ends, and the batches were in fact gathered on the prefetching thread.
 */
class PrefetchTest {
  private static final long RUN_SEED = 99;
  private static final int BATCH = 10;
  private static final int TOTAL = 24; // 7 updates per epoch of 64 samples, the last of 4

  private Map<String, HostTensor> train(
      int prefetch, boolean announceWrongly, TwoHeadNet.Fields data) {
    Map<String, TargetConfig> targets = new LinkedHashMap<>();
    targets.put("rul", TargetConfig.of("mse", 0.5));
    targets.put("health", TargetConfig.of("softmax-cross-entropy", 0.5));
    SupervisedStepConfig config =
        SupervisedStepConfig.of("mse").withFields(List.of("x"), targets).withPrefetch(prefetch);
    try (DjlModel model = TwoHeadNet.build(4, 3, 0.3f, 5, true);
        SupervisedStep step = new SupervisedStep(model, TestData.source(data, null), config)) {
      Optimizer optimizer =
          AdamOptimizer.adamW(
              model, new AdamConfig(1e-2, null, null, 0.01, null, null, List.of(), null));
      DataOrder order = new DataOrder(RUN_SEED, data.size());
      long perEpoch = (data.size() + BATCH - 1) / BATCH;
      for (int u = 0; u < TOTAL; u++) {
        for (int ahead = 1; ahead <= step.prefetchDepth() && u + ahead < TOTAL; ahead++) {
          int next = announceWrongly ? u + ahead + 1 : u + ahead;
          step.prefetch(order.batch(next / perEpoch, next % perEpoch, BATCH));
        }
        step.trainStep(
            order.batch(u / perEpoch, u % perEpoch, BATCH), Seeds.forUpdate(RUN_SEED, u));
        optimizer.step(1e-2);
      }
      return model.stateDict();
    }
  }

  private static TwoHeadNet.Fields data() {
    return (TwoHeadNet.Fields) TwoHeadNet.data(64, 4, 3, 8);
  }

  @Test
  void prefetchedRunsEndBitIdenticalToARunWithoutPrefetching() {
    Map<String, HostTensor> without = train(0, false, data());
    TwoHeadNet.Fields prefetched = data();
    Map<String, HostTensor> with = train(2, false, prefetched);
    Map<String, HostTensor> deep = train(5, false, data());

    assertThat(StateDigest.of(with))
        .as(() -> StateDigest.difference(without, with))
        .isEqualTo(StateDigest.of(without));
    assertThat(StateDigest.of(deep)).isEqualTo(StateDigest.of(without));
    // All but the first update's batch were gathered in the background.
    assertThat(prefetched.gathersByThread.get("noether-prefetch")).isEqualTo((TOTAL - 1) * 3);
    assertThat(prefetched.gathersByThread.values().stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(TOTAL * 3);
  }

  @Test
  void wrongAnnouncementsNeverChangeTheBatchesTrainedOn() {
    Map<String, HostTensor> without = train(0, false, data());
    Map<String, HostTensor> misled = train(2, true, data());

    assertThat(StateDigest.of(misled)).isEqualTo(StateDigest.of(without));
  }
}
