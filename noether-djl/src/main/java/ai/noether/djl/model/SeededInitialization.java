package ai.noether.djl.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.noether.api.run.RunSeeds;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.djl.tensor.HostTransfer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Initial weights from the run seed.
 *
 * <p>Two ways, both with one random stream per parameter, derived from the model's initialisation
 * seed and the parameter's path, so adding a layer does not change the values of the others:
 *
 * <ul>
 *   <li>{@link #uniform} draws the values in Java: bit-identical in every process, on every device
 *       and with every engine version (the built-in kinds use it);
 *   <li>{@link #seedInitializers} keeps whatever DJL {@link Initializer} each parameter has (DJL's
 *       defaults, or the block's own) and runs it on the CPU right after seeding the engine's
 *       generator with the parameter's seed, then copies the values to the model's device: any
 *       block starts bit-identical in every process with the same engine version, on the CPU and on
 *       a GPU alike.
 * </ul>
 */
public final class SeededInitialization {
  private SeededInitialization() {}

  /**
   * Overwrites a float32 parameter with values uniform in {@code [-bound, bound)}.
   *
   * @param initSeed the model's seed ({@link RunSeeds#forInitialization})
   * @param path the parameter's path, which selects its stream
   */
  public static void uniform(NDArray parameter, double bound, long initSeed, String path) {
    fill(parameter, path, initSeed, random -> (2 * random.nextDouble() - 1) * bound);
  }

  /**
   * Overwrites a float32 parameter with normally distributed values of mean 0 and standard
   * deviation {@code std} (Box-Muller over the parameter's stream, {@link SplittableRandom}).
   */
  public static void normal(NDArray parameter, double std, long initSeed, String path) {
    fill(
        parameter,
        path,
        initSeed,
        random -> {
          double u1 = 1 - random.nextDouble();
          double u2 = random.nextDouble();
          // StrictMath: the same bits on every JVM and CPU (Math may use intrinsics that differ).
          return (float)
              (std * StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2));
        });
  }

  private static void fill(
      NDArray parameter, String path, long initSeed, ToDoubleFunction<SplittableRandom> draw) {
    if (parameter.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException(
          "parameter " + path + " is " + parameter.getDataType() + "; only float32 is supported");
    }
    long[] shape = parameter.getShape().getShape();
    int count = Math.toIntExact(parameter.getShape().size());
    ByteBuffer bytes =
        ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer values = bytes.asFloatBuffer();
    SplittableRandom random = new SplittableRandom(RunSeeds.mix(initSeed, stableHash(path), 0));
    for (int i = 0; i < count; i++) {
      values.put((float) draw.applyAsDouble(random));
    }
    HostTransfer.copyInto(HostTensor.wrap(DType.FLOAT32, shape, bytes), parameter);
  }

  /**
   * Makes every parameter of {@code block} draw its initial values from {@code initSeed}, whatever
   * initializer it has; call it after the block is built and before {@link Block#initialize}.
   * Parameters already initialised and parameters without an initializer are left alone.
   *
   * @param prefix the path prefix the block is wrapped with ({@link DjlModel#of})
   * @param initSeed the model's seed ({@link RunSeeds#forInitialization})
   */
  public static void seedInitializers(Block block, String prefix, long initSeed) {
    for (Map.Entry<String, Parameter> e : ParameterPaths.of(block, prefix).entrySet()) {
      Parameter p = e.getValue();
      Initializer own = p.getInitializer();
      if (!p.isInitialized() && own != null && !(own instanceof Seeded)) {
        p.setInitializer(new Seeded(own, RunSeeds.mix(initSeed, stableHash(e.getKey()), 1)));
      }
    }
  }

  /** A DJL initializer run on the CPU with the engine's generator seeded for one parameter. */
  private static final class Seeded implements Initializer {
    /** The engine's generator is global: two models initialised at once must not interleave. */
    private static final Object ENGINE_GENERATOR = new Object();

    private final Initializer initializer;
    private final long seed;

    Seeded(Initializer initializer, long seed) {
      this.initializer = initializer;
      this.seed = seed;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
      synchronized (ENGINE_GENERATOR) {
        Engine engine = manager.getEngine();
        engine.setRandomSeed((int) (seed ^ (seed >>> 32)));
        // The CPU's generator, also for a GPU model: CUDA's draws other numbers from the same seed.
        try (NDManager cpu = engine.newBaseManager(Device.cpu())) {
          NDArray values = initializer.initialize(cpu, shape, dataType);
          NDArray out =
              values.getDevice().equals(manager.getDevice())
                  ? values
                  : values.toDevice(manager.getDevice(), true);
          out.attach(manager);
          return out;
        }
      }
    }
  }

  /**
   * 64-bit FNV-1a of the UTF-8 bytes; defined by its algorithm, so stable across JVMs and releases.
   */
  static long stableHash(String text) {
    long h = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
