package ai.noether.djl.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.model.LoadReport;
import ai.noether.api.model.Model;
import ai.noether.api.model.StateDictMismatchException;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.tensor.Tensor;
import ai.noether.djl.tensor.DTypes;
import ai.noether.djl.tensor.DjlTensor;
import ai.noether.djl.tensor.HostTransfer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DJL {@link Block} as a {@link Model}: its parameters by stable dotted path (see {@link
 * ParameterPaths}), host snapshots of them, and state-dict loading that keeps every parameter's
 * NDArray (so optimizers and callbacks holding handles keep working).
 *
 * <p><b>Buffers.</b> Besides DJL's parameters the state dict holds, for every {@link BatchNorm},
 * PyTorch's {@code num_batches_tracked}: an int64 scalar counting the batches the layer saw in
 * training mode, after its {@code running_var} as in PyTorch. DJL has no such counter; the model
 * counts each time the layer reads its running mean in a training forward pass (once per batch).
 * Buffers are in {@link #parameters()} and {@link #stateDict()}, never in {@link
 * #trainableParameters()} or {@link #djlParameters()}.
 *
 * <p>The model owns its {@link NDManager}: {@link #close()} frees every array of the model.
 * Parameter order is the path order fixed at construction and never changes. Not thread-safe: the
 * training thread uses it.
 */
public final class DjlModel implements Model {
  private static final Logger LOG = LoggerFactory.getLogger(DjlModel.class);

  private final String name;
  private final Block block;
  private final NDManager manager;
  private final LinkedHashMap<String, Parameter> parameters;
  private final LinkedHashMap<String, NDArray> buffers;

  /** Every path of the state dict in order: parameters and buffers. */
  private final List<String> paths;

  private final Map<String, Object> config;
  private final ParameterStore parameterStore;
  private boolean closed;

  private DjlModel(
      String name, Block block, NDManager manager, String pathPrefix, Map<String, Object> config) {
    this.name = Names.requireModelName(name);
    this.block = Objects.requireNonNull(block, "block");
    this.manager = Objects.requireNonNull(manager, "manager");
    this.parameters = ParameterPaths.of(block, pathPrefix);
    this.config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
    this.buffers = new LinkedHashMap<>();
    Map<String, NDArray> countersByParameterId = new HashMap<>();
    Map<String, String> counterAfter = new HashMap<>();
    ParameterPaths.blocks(block, pathPrefix)
        .forEach(
            (blockPath, b) -> {
              if (b instanceof BatchNorm) {
                for (Pair<String, Parameter> p : b.getDirectParameters()) {
                  if (p.getValue().getType() == Parameter.Type.RUNNING_MEAN) {
                    String path = ParameterPaths.join(blockPath, TorchNames.NUM_BATCHES_TRACKED);
                    if (parameters.containsKey(path) || buffers.containsKey(path)) {
                      throw new IllegalArgumentException(
                          "two tensors of the model have the path '" + path + "'");
                    }
                    NDArray counter = manager.create(0L);
                    buffers.put(path, counter);
                    countersByParameterId.put(p.getValue().getId(), counter);
                    counterAfter.put(ParameterPaths.join(blockPath, "running_var"), path);
                  }
                }
              }
            });
    List<String> order = new ArrayList<>();
    for (String path : parameters.keySet()) {
      order.add(path);
      if (counterAfter.containsKey(path)) {
        order.add(counterAfter.remove(path));
      }
    }
    order.addAll(counterAfter.values());
    this.paths = List.copyOf(order);
    this.parameterStore = new CountingParameterStore(manager, countersByParameterId);
  }

  /**
   * Wraps an initialised block whose arrays live on {@code manager}; the model takes ownership of
   * the manager.
   *
   * @param pathPrefix first path segment of every parameter (e.g. {@code layers}); empty for none
   * @param config the architecture as plain values, saved as {@code model_config}
   * @throws IllegalArgumentException if the block is not initialised or two parameters share a path
   */
  public static DjlModel of(
      String name, Block block, NDManager manager, String pathPrefix, Map<String, Object> config) {
    if (!block.isInitialized()) {
      throw new IllegalArgumentException(
          "block of model '" + name + "' must be initialised before it is wrapped");
    }
    return new DjlModel(name, block, manager, pathPrefix, config);
  }

  @Override
  public String name() {
    return name;
  }

  /** The wrapped block. */
  public Block block() {
    return block;
  }

  /** The manager that owns the model's arrays; create per-step sub-managers from it. */
  public NDManager manager() {
    return manager;
  }

  /** The device the parameters live on. */
  public Device device() {
    return manager.getDevice();
  }

  /** The DJL parameters by path, in order; unmodifiable. */
  public Map<String, Parameter> djlParameters() {
    return Collections.unmodifiableMap(parameters);
  }

  /**
   * Runs the block.
   *
   * @param training true while training (dropout active), false for evaluation
   */
  public NDList forward(NDList inputs, boolean training) {
    return block.forward(parameterStore, inputs, training);
  }

  @Override
  public Map<String, Tensor> parameters() {
    return handles(false);
  }

  @Override
  public Map<String, Tensor> trainableParameters() {
    return handles(true);
  }

  /**
   * The buffers ({@code num_batches_tracked} of each batch norm) by path, in order; unmodifiable.
   */
  public Map<String, NDArray> buffers() {
    return Collections.unmodifiableMap(buffers);
  }

  private Map<String, Tensor> handles(boolean trainableOnly) {
    LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
    for (String path : paths) {
      Parameter p = parameters.get(path);
      if (p == null ? !trainableOnly : !trainableOnly || p.requiresGradient()) {
        out.put(path, DjlTensor.view(array(path)));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private NDArray array(String path) {
    Parameter p = parameters.get(path);
    return p != null ? p.getArray() : Objects.requireNonNull(buffers.get(path), path);
  }

  /**
   * {@inheritDoc}
   *
   * <p><b>Note:</b> while the checkpoint writer takes a snapshot on this thread, the copies go into
   * its reused staging buffers ({@link HostTransfer#toStagedHost}) and are valid until its next
   * snapshot; the writer alone calls it then.
   */
  @Override
  public Map<String, HostTensor> stateDict() {
    LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
    for (String path : paths) {
      out.put(path, HostTransfer.toStagedHost(array(path)));
    }
    return Collections.unmodifiableMap(out);
  }

  @Override
  public LoadReport load(Map<String, HostTensor> stateDict, boolean strict) {
    List<String> loaded = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<LoadReport.Mismatch> mismatched = new ArrayList<>();
    for (String path : paths) {
      HostTensor given = stateDict.get(path);
      NDArray array = array(path);
      DType modelType = DTypes.of(array.getDataType());
      long[] modelShape = array.getShape().getShape();
      if (given == null) {
        missing.add(path);
      } else if (given.dtype() != modelType || !Arrays.equals(given.shape(), modelShape)) {
        mismatched.add(
            new LoadReport.Mismatch(
                path, lower(modelType), modelShape, lower(given.dtype()), given.shape()));
      } else {
        loaded.add(path);
      }
    }
    List<String> unexpected = new ArrayList<>();
    for (String key : stateDict.keySet()) {
      if (!parameters.containsKey(key) && !buffers.containsKey(key)) {
        unexpected.add(key);
      }
    }
    LoadReport report = new LoadReport(loaded, missing, unexpected, mismatched);
    if (strict && !report.isExact()) {
      throw new StateDictMismatchException(name, report);
    }
    for (String key : loaded) {
      HostTransfer.copyInto(Objects.requireNonNull(stateDict.get(key), key), array(key));
    }
    if (!report.isExact()) {
      LOG.warn(
          "loaded {} of {} tensors into model '{}' (strict: false):\n{}",
          loaded.size(),
          paths.size(),
          name,
          report.describe());
    }
    return report;
  }

  private static String lower(DType type) {
    return type.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public Map<String, Object> config() {
    return config;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      manager.close();
    }
  }

  @Override
  public String toString() {
    return "DjlModel[" + name + ", " + paths.size() + " tensors on " + device() + "]";
  }

  /**
   * Counts training batches for {@code num_batches_tracked}: a batch norm reads its running mean
   * exactly once per forward pass, so each read in training mode is one batch.
   */
  private static final class CountingParameterStore extends ParameterStore {
    private final Map<String, NDArray> countersByParameterId;

    CountingParameterStore(NDManager manager, Map<String, NDArray> countersByParameterId) {
      super(manager, false);
      this.countersByParameterId = countersByParameterId;
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
      if (training && parameter != null) {
        NDArray counter = countersByParameterId.get(parameter.getId());
        if (counter != null) {
          counter.addi(1L);
        }
      }
      return super.getValue(parameter, device, training);
    }
  }
}
