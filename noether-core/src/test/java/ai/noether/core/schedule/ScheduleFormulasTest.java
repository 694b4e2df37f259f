package ai.noether.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.noether.api.optim.LrSchedule;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.LrScheduleFactory;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Every update's rate against the formulas, written out again here. */
class ScheduleFormulasTest {
  private static final double BASE = 0.3;

  @Test
  void constantIsTheBaseRateThroughout() {
    LrSchedule s = new ConstantSchedule(new ConstantScheduleConfig());
    for (long u = 0; u < 50; u++) {
      assertThat(s.learningRate(BASE, u, 50)).isEqualTo(BASE);
    }
  }

  @Test
  void linearWarmupRisesByEqualStepsToTheBaseRateThenStays() {
    LrSchedule s = new LinearWarmupSchedule(new LinearWarmupScheduleConfig(4L, null, null));
    assertThat(s.learningRate(BASE, 0, 100)).isCloseTo(BASE / 4, within(1e-15));
    assertThat(s.learningRate(BASE, 1, 100)).isCloseTo(BASE / 2, within(1e-15));
    assertThat(s.learningRate(BASE, 2, 100)).isCloseTo(BASE * 3 / 4, within(1e-15));
    assertThat(s.learningRate(BASE, 3, 100)).isCloseTo(BASE, within(1e-15));
    assertThat(s.learningRate(BASE, 4, 100)).isEqualTo(BASE);
    assertThat(s.learningRate(BASE, 99, 100)).isEqualTo(BASE);
  }

  @Test
  void linearWarmupCanStartAboveZeroAndBeAFractionOfTheRun() {
    LrSchedule s = new LinearWarmupSchedule(new LinearWarmupScheduleConfig(null, 0.1, 0.5));
    // 10% of 40 updates: 4 warmup updates from half the rate.
    for (long u = 0; u < 4; u++) {
      assertThat(s.learningRate(BASE, u, 40))
          .isCloseTo(BASE * (0.5 + 0.5 * (u + 1) / 4.0), within(1e-15));
    }
    assertThat(s.learningRate(BASE, 4, 40)).isEqualTo(BASE);
  }

  @Test
  void cosineFollowsTorchsCosineAnnealingClosedForm() {
    long total = 37;
    double etaMin = 0.01;
    LrSchedule s = new CosineSchedule(new CosineScheduleConfig(etaMin, null, null));
    for (long t = 0; t <= total + 5; t++) {
      double expected =
          t >= total ? etaMin : etaMin + (BASE - etaMin) * (1 + Math.cos(Math.PI * t / total)) / 2;
      assertThat(s.learningRate(BASE, t, total))
          .as("update %d", t)
          .isCloseTo(expected, within(1e-15));
    }
    assertThat(s.learningRate(BASE, 0, total)).isEqualTo(BASE);
  }

  @Test
  void cosineEndsAtAFractionOfTheBaseOverAConfiguredLength() {
    LrSchedule s = new CosineSchedule(new CosineScheduleConfig(null, 0.1, 10L));
    assertThat(s.learningRate(BASE, 5, -1)).isCloseTo(BASE * 0.1 + BASE * 0.9 * 0.5, within(1e-15));
    assertThat(s.learningRate(BASE, 10, -1)).isCloseTo(BASE * 0.1, within(1e-15));
  }

  @Test
  void stepMultipliesByGammaEveryStepSizeUpdates() {
    LrSchedule s = new StepSchedule(new StepScheduleConfig(3L, 0.5));
    double[] expected = {BASE, BASE, BASE, BASE / 2, BASE / 2, BASE / 2, BASE / 4};
    for (int u = 0; u < expected.length; u++) {
      assertThat(s.learningRate(BASE, u, 100))
          .as("update %d", u)
          .isCloseTo(expected[u], within(1e-15));
    }
  }

  @Test
  void warmupCosineWarmsUpThenDecaysOverTheRest() {
    long total = 25;
    long warmup = 5;
    LrSchedule s =
        new WarmupCosineSchedule(
            new WarmupCosineScheduleConfig(warmup, null, null, null, 0.05, null));
    double end = BASE * 0.05;
    for (long u = 0; u < total; u++) {
      double expected =
          u < warmup
              ? BASE * (u + 1) / warmup
              : end
                  + (BASE - end) * 0.5 * (1 + Math.cos(Math.PI * (u - warmup) / (total - warmup)));
      assertThat(s.learningRate(BASE, u, total))
          .as("update %d", u)
          .isCloseTo(expected, within(1e-15));
    }
    assertThat(s.learningRate(BASE, warmup - 1, total)).isEqualTo(BASE);
    assertThat(s.learningRate(BASE, warmup, total)).isEqualTo(BASE);
  }

  @Test
  void schedulesThatNeedTheRunLengthSaySoWhenItIsUnknown() {
    LrSchedule cosine = new CosineSchedule(new CosineScheduleConfig(null, null, null));
    LrSchedule warmup = new LinearWarmupSchedule(new LinearWarmupScheduleConfig(null, 0.1, null));

    assertThatThrownBy(() -> cosine.learningRate(BASE, 0, -1))
        .hasMessageContaining("cosine needs the run's length: set total_updates");
    assertThatThrownBy(() -> warmup.learningRate(BASE, 0, -1))
        .hasMessageContaining("use warmup_updates instead");
  }

  @Test
  void aWarmupAsLongAsTheRunIsRefused() {
    LrSchedule s =
        new WarmupCosineSchedule(new WarmupCosineScheduleConfig(10L, null, null, null, null, null));

    assertThatThrownBy(() -> s.learningRate(BASE, 0, 10))
        .hasMessageContaining("shorten the warmup");
    assertThatThrownBy(() -> new WarmupCosineScheduleConfig(10L, null, null, null, null, 10L))
        .hasMessage("warmup-cosine warmup_updates (10) must be less than total_updates (10)");
  }

  @Test
  void invalidSettingsNameTheKeyAndTheValue() {
    assertThatThrownBy(() -> new LinearWarmupScheduleConfig(null, null, null))
        .hasMessage("linear-warmup needs exactly one of warmup_updates and warmup_fraction");
    assertThatThrownBy(() -> new LinearWarmupScheduleConfig(10L, 0.1, null))
        .hasMessage("linear-warmup needs exactly one of warmup_updates and warmup_fraction");
    assertThatThrownBy(() -> new CosineScheduleConfig(0.1, 0.1, null))
        .hasMessage("cosine takes min_lr or end_factor, not both");
    assertThatThrownBy(() -> new StepScheduleConfig(null, null))
        .hasMessageContaining("step step_size must be a positive number");
    assertThatThrownBy(() -> new StepScheduleConfig(5L, 1.5))
        .hasMessage("step gamma must be in (0, 1], was 1.5");
    assertThatThrownBy(
            () ->
                new ReduceOnPlateauScheduleConfig(
                    null, "lowest", null, null, null, null, null, null))
        .hasMessage("reduce-on-plateau mode must be min or max, was 'lowest'");
  }

  @Test
  void theServiceLoaderFindsEveryKind() {
    @SuppressWarnings("rawtypes")
    List<String> kinds =
        ServiceLoader.load(LrScheduleFactory.class).stream().map(p -> p.get().kind()).toList();
    assertThat(kinds)
        .contains(
            "constant", "linear-warmup", "cosine", "step", "warmup-cosine", "reduce-on-plateau");
  }

  @Test
  void theFactoriesBuildTheirSchedule() {
    ComponentContext none =
        new ComponentContext() {
          @Override
          public <T> T require(Class<T> type) {
            throw new IllegalStateException();
          }

          @Override
          public <T> Optional<T> find(Class<T> type) {
            return Optional.empty();
          }

          @Override
          public String path() {
            return "schedule";
          }
        };
    assertThat(
            new StepScheduleFactory()
                .create(new StepScheduleConfig(2L, null), none)
                .learningRate(1, 2, 10))
        .isCloseTo(0.1, within(1e-15));
    assertThat(
            new ReduceOnPlateauScheduleFactory()
                .create(ReduceOnPlateauScheduleConfig.watching("loss/valid/total"), none))
        .isInstanceOf(ReduceOnPlateauSchedule.class);
  }
}
