package ai.noether.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.noether.api.optim.LrSchedule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same schedules run by PyTorch's own schedulers ({@code /usr/bin/python3} with torch). */
class SchedulesAgainstPyTorchTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static boolean torch;

  @BeforeAll
  static void findTorch() throws InterruptedException {
    try {
      Process p =
          new ProcessBuilder(PYTHON.toString(), "-c", "import torch")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      torch = p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
    } catch (IOException e) {
      torch = false;
    }
  }

  @Test
  void cosineMatchesCosineAnnealingLR(@TempDir Path dir) throws Exception {
    double[] theirs =
        torchRates(
            dir,
            "torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=30, eta_min=0.002)",
            35,
            "");
    LrSchedule ours = new CosineSchedule(new CosineScheduleConfig(0.002, null, null));
    for (int u = 0; u < 30; u++) {
      assertThat(ours.learningRate(0.1, u, 30))
          .as("update %d", u)
          .isCloseTo(theirs[u], within(1e-12));
    }
  }

  @Test
  void stepMatchesStepLR(@TempDir Path dir) throws Exception {
    double[] theirs =
        torchRates(dir, "torch.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.3)", 20, "");
    LrSchedule ours = new StepSchedule(new StepScheduleConfig(4L, 0.3));
    for (int u = 0; u < 20; u++) {
      assertThat(ours.learningRate(0.1, u, 20))
          .as("update %d", u)
          .isCloseTo(theirs[u], within(1e-12));
    }
  }

  @Test
  void reduceOnPlateauMatchesReduceLROnPlateau(@TempDir Path dir) throws Exception {
    double[] metrics = {
      1.0, 0.8, 0.81, 0.79995, 0.8, 0.8, 0.7, 0.7, 0.71, 0.72, 0.73, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6,
      0.6
    };
    String series = Arrays.toString(metrics);
    double[] theirs =
        torchRates(
            dir,
            "torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode='min', factor=0.5, patience=1, threshold=1e-3, cooldown=1, min_lr=0.01)",
            metrics.length,
            series);
    ReduceOnPlateauSchedule ours =
        new ReduceOnPlateauSchedule(
            new ReduceOnPlateauScheduleConfig(
                "loss/valid/total", "min", 0.5, 1L, 1e-3, "rel", 1L, 0.01));
    for (int i = 0; i < metrics.length; i++) {
      ours.onEvaluation(Map.of("loss/valid/total", metrics[i]));
      assertThat(ours.learningRate(0.1, i, -1))
          .as("after evaluation %d", i)
          .isCloseTo(theirs[i], within(1e-12));
    }
  }

  /**
   * The rate in force after each scheduler step: plain steps, or steps with the given metric series
   * (ReduceLROnPlateau). Without metrics, entry {@code u} is the rate of update {@code u}.
   */
  private static double[] torchRates(Path dir, String scheduler, int steps, String metrics)
      throws Exception {
    assumeTrue(torch, "/usr/bin/python3 with torch is not installed");
    String script =
        String.join(
            "\n",
            "import torch",
            "p = torch.nn.Parameter(torch.zeros(1))",
            "opt = torch.optim.SGD([p], lr=0.1)",
            "sched = " + scheduler,
            "metrics = " + (metrics.isEmpty() ? "None" : metrics),
            "out = []",
            "for i in range(" + steps + "):",
            "    if metrics is None:",
            "        out.append(opt.param_groups[0]['lr'])",
            "        opt.step()",
            "        sched.step()",
            "    else:",
            "        sched.step(metrics[i])",
            "        out.append(opt.param_groups[0]['lr'])",
            "print(' '.join(repr(x) for x in out))",
            "");
    Path file = dir.resolve("rates.py");
    Files.writeString(file, script, StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder(PYTHON.toString(), file.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError("python failed:\n" + output);
    }
    String last = output.strip().lines().reduce((a, b) -> b).orElseThrow();
    return Arrays.stream(last.split(" ")).mapToDouble(Double::parseDouble).toArray();
  }
}
