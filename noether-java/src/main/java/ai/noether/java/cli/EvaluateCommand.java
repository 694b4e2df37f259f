package ai.noether.java.cli;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.core.cli.NoetherCli;
import ai.noether.java.Evaluation;
import ai.noether.java.Noether;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code noether evaluate RUN_ID [--stage S] [--checkpoint C] [--model-info I ...] [--split SPLIT]
 * [--output FILE]}: the configured training step's metrics of a checkpoint on a split of the run's
 * dataset, for the trained weights and every other variant the checkpoint holds (the EMA weights),
 * side by side; {@code --model-info} chooses the variants. {@code --output} also writes them as
 * JSON.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Prints (and with --output writes as JSON) a checkpoint's metrics on a split of the run's dataset,"
          + " for the trained weights and the EMA weights side by side."
    })
public final class EvaluateCommand implements Callable<Integer> {
  /** How the trained weights are labelled in the table and the JSON. */
  static final String TRAINED = "weights";

  @ParentCommand NoetherCli cli;
  @Spec CommandSpec spec;
  @Mixin CheckpointOptions checkpoint;

  @Option(
      names = "--model-info",
      paramLabel = "I",
      description =
          "evaluate only these variants (repeatable): 'weights' for the trained weights, ema=0.999 for"
              + " EMA weights (default: every variant the checkpoint holds)")
  List<String> modelInfos = new ArrayList<>();

  @SuppressWarnings("NullAway.Init") // set by picocli before call(): an option with a default
  @Option(
      names = "--split",
      paramLabel = "SPLIT",
      defaultValue = "test",
      description = "train, valid or test (default: ${DEFAULT-VALUE})")
  String split;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "also write the metrics to this JSON file")
  @Nullable
  Path output;

  @Override
  public Integer call() throws IOException {
    Noether noether = Noether.create(cli.registry(), cli.workingDir());
    List<String> variants = new ArrayList<>();
    for (String v : modelInfos) {
      variants.add(v.equals(TRAINED) ? "" : v);
    }
    if (variants.isEmpty()) {
      variants.addAll(noether.variants(checkpoint.selection(null)));
    }
    Path parent =
        output == null ? null : cli.workingDir().resolve(output).toAbsolutePath().getParent();
    if (output != null && (parent == null || !Files.isDirectory(parent))) {
      throw new ConfigException("--output " + output + ": its directory does not exist");
    }
    Evaluation evaluation = noether.evaluate(checkpoint.selection(null), split, variants);
    print(evaluation, spec.commandLine().getOut());
    if (output != null) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("source", evaluation.source());
      json.put("split", evaluation.split());
      json.put("samples", evaluation.samples());
      Map<String, Object> metrics = new LinkedHashMap<>();
      evaluation.metrics().forEach((k, v) -> metrics.put(label(k), v));
      json.put("metrics", metrics);
      Path target = cli.workingDir().resolve(output);
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(target.toFile(), json);
      spec.commandLine().getOut().println("wrote " + target);
    }
    return NoetherCli.OK;
  }

  static void print(Evaluation evaluation, PrintWriter out) {
    out.println(
        "evaluation of "
            + evaluation.source()
            + " on the "
            + evaluation.split()
            + " split ("
            + evaluation.samples()
            + " samples)");
    Set<String> keys = new LinkedHashSet<>();
    evaluation.metrics().values().forEach(m -> keys.addAll(m.keySet()));
    int width = Math.max(8, keys.stream().mapToInt(String::length).max().orElse(0));
    StringBuilder header = new StringBuilder(String.format("  %-" + width + "s", "metric"));
    evaluation.metrics().keySet().forEach(v -> header.append(String.format("  %14s", label(v))));
    out.println(header);
    for (String key : keys) {
      StringBuilder line = new StringBuilder(String.format("  %-" + width + "s", key));
      for (Map<String, Double> m : evaluation.metrics().values()) {
        Double value = m.get(key);
        line.append(
            String.format(
                Locale.ROOT,
                "  %14s",
                value == null ? "-" : String.format(Locale.ROOT, "%.6g", value)));
      }
      out.println(line);
    }
  }

  static String label(String variant) {
    return variant.isEmpty() ? TRAINED : variant;
  }
}
