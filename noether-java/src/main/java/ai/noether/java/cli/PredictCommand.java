package ai.noether.java.cli;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.cli.NoetherCli;
import ai.noether.java.LoadedModel;
import ai.noether.java.ModelCheckpoint;
import ai.noether.java.Noether;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code noether predict RUN_ID [--stage S] [--checkpoint C] [--model-info I] (--split SPLIT |
 * --input FILE) --output FILE}: loads the checkpoint's model (see {@link Noether#load}) and writes
 * its predictions for every sample of a split of the run's dataset, or of a file of inputs ({@link
 * FeatureFiles}), as CSV or JSON lines ({@link PredictionWriter}). Inputs are prepared as in
 * training: a split is scaled with the checkpoint's saved {@code scaler_params}, and so is a file
 * unless {@code --no-scaling}. With {@code --split}, the split's other small fields (its targets)
 * are written beside the predictions.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a checkpoint's predictions for a split of the run's dataset or for a file of inputs (CSV or"
          + " .npy), scaled with the checkpoint's saved scaler, as CSV or JSON lines (.jsonl)."
    })
public final class PredictCommand implements Callable<Integer> {
  /** Fields with at most this many values per sample are written beside the predictions. */
  static final int MAX_EXTRA_VALUES = 16;

  @ParentCommand NoetherCli cli;
  @Spec CommandSpec spec;
  @Mixin CheckpointOptions checkpoint;

  @Option(
      names = "--model-info",
      paramLabel = "I",
      description =
          "the variant of the weights, e.g. ema=0.999 for the EMA weights (default: the trained weights)")
  @Nullable
  String modelInfo;

  @SuppressWarnings("NullAway.Init") // set by picocli before call(): a required group
  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @Option(
        names = "--split",
        paramLabel = "SPLIT",
        description = "train, valid or test: a split of the run's dataset")
    @Nullable
    String split;

    @Option(
        names = "--input",
        paramLabel = "FILE",
        description =
            "a CSV file of feature values, one sample per row, or a .npy array [samples, ...]")
    @Nullable
    Path file;
  }

  @SuppressWarnings("NullAway.Init") // set by picocli before call(): a required option
  @Option(
      names = "--output",
      paramLabel = "FILE",
      required = true,
      description =
          "where to write the predictions: CSV, or JSON lines when the name ends in .jsonl")
  Path output;

  @Option(
      names = "--input-field",
      paramLabel = "NAME",
      description =
          "the field the model takes (default: the first of the training step's inputs, else features)")
  @Nullable
  String inputField;

  @Option(
      names = "--no-scaling",
      description =
          "with --input: the file's values are already scaled; do not apply the checkpoint's saved scaler")
  boolean noScaling;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "1024",
      description = "samples per forward pass (default: ${DEFAULT-VALUE})")
  int batchSize;

  @Override
  public Integer call() throws IOException {
    if (batchSize <= 0) {
      throw new ConfigException("--batch-size must be positive, was " + batchSize);
    }
    if (noScaling && input.split != null) {
      throw new ConfigException(
          "--no-scaling applies to --input files; a --split is always prepared as in training");
    }
    Noether noether = Noether.create(cli.registry(), cli.workingDir());
    ModelCheckpoint selection = checkpoint.selection(modelInfo);
    Path target = cli.workingDir().resolve(output);
    FieldDataset dataset = input.split == null ? null : noether.dataset(selection, input.split);
    try (LoadedModel model = noether.load(selection)) {
      String field = inputField != null ? inputField : model.inputFields().get(0);
      // Every check before the output file is opened, so that a mistake leaves no empty file
      // behind.
      if (dataset != null && dataset.fields().stream().noneMatch(f -> f.name().equals(field))) {
        throw new ConfigException(
            (inputField != null ? "--input-field " : "the model's input field ")
                + field
                + ": the "
                + input.split
                + " split has no such field; its fields are "
                + String.join(", ", dataset.fields().stream().map(Field::name).toList()));
      }
      if (dataset == null && !noScaling) {
        model
            .scaler()
            .filter(s -> s.scales(field) && s.conditionField() != null)
            .ifPresent(
                s -> {
                  throw new ConfigException(
                      "the checkpoint's scaler normalises '"
                          + field
                          + "' per operating condition"
                          + " (condition_field '"
                          + s.conditionField()
                          + "'), which --input files do not carry: scale the values"
                          + " yourself with the saved scaler_params (noether inspect shows them) and pass --no-scaling, or"
                          + " predict a --split of the run's dataset");
                });
      }
      HostTensor features =
          dataset != null
              ? null
              : FeatureFiles.read(
                  cli.workingDir().resolve(input.file), model.inputShape().orElse(null));
      try (PredictionWriter writer = new PredictionWriter(target)) {
        predict(model, field, dataset, features, writer);
        spec.commandLine()
            .getOut()
            .println(
                "wrote "
                    + writer.rows()
                    + " predictions of "
                    + model.source()
                    + (model.modelInfo() == null ? "" : " (" + model.modelInfo() + ")")
                    + " on "
                    + (input.split != null ? "the " + input.split + " split" : input.file)
                    + " to "
                    + target
                    + (input.file != null
                            && model.scaler().isPresent()
                            && model.scaler().get().scales(field)
                        ? noScaling
                            ? " (inputs taken as scaled)"
                            : " (inputs scaled with the saved scaler_params)"
                        : ""));
      }
    }
    return NoetherCli.OK;
  }

  private void predict(
      LoadedModel model,
      String field,
      @Nullable FieldDataset dataset,
      @Nullable HostTensor features,
      PredictionWriter writer) {
    if (dataset != null) {
      Noether.predict(
          model,
          dataset,
          field,
          batchSize,
          (first, inputs, predictions) -> {
            Map<String, HostTensor> extra = new LinkedHashMap<>();
            long[] indices = new long[(int) inputs.shape()[0]];
            for (int i = 0; i < indices.length; i++) {
              indices[i] = first + i;
            }
            for (Field f : dataset.fields()) {
              if (!f.name().equals(field)
                  && values(f) <= MAX_EXTRA_VALUES
                  && !predictions.containsKey(f.name())) {
                extra.put(f.name(), dataset.gather(f.name(), indices));
              }
            }
            write(writer, first, predictions, extra);
          });
    } else {
      // read from --input when there is no dataset split
      long rows = Objects.requireNonNull(features, "features").shape()[0];
      float[] all = features.toFloatArray();
      for (long from = 0; from < rows; from += batchSize) {
        int n = (int) Math.min(batchSize, rows - from);
        HostTensor batch = FeatureFiles.slice(all, features.shape(), from, n);
        Map<String, HostTensor> in = Map.of(field, batch);
        write(writer, from, noScaling ? model.predictAllRaw(in) : model.predictAll(in), Map.of());
      }
    }
  }

  private static void write(
      PredictionWriter writer,
      long first,
      Map<String, HostTensor> p,
      Map<String, HostTensor> extra) {
    try {
      writer.write(first, p, extra);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long values(Field f) {
    long n = 1;
    for (long d : f.sampleShape()) {
      n *= d;
    }
    return n;
  }
}
