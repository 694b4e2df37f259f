package ai.noether.core.format.th;

import ai.noether.api.tensor.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the bounds on hostile files cost and save: the warm read time of a 1000-tensor state dict
 * (the graph check's visited set is the overhead every read pays), also with one-element tensors,
 * and of two hostile files that used to hang or run out of memory, the 782-byte reference diamond
 * of 40 levels and an 8 GiB stride-0 tensor in a 300-byte file (each now refused). Medians over
 * many reads.
 *
 * <p>Run: {@code mvn -B -q -ntp -pl noether-core -am -Pbenchmark
 * -Dbenchmark=ai.noether.core.format.th.HostileReadBenchmark process-test-classes}. Only the state
 * dict is read when {@code -Dbench.hostile=false} (to time a reader that would hang on the others).
 */
public final class HostileReadBenchmark {
  private HostileReadBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("hostile-benchmark");
    int reads = Integer.getInteger("bench.reads", 300);
    Map<String, Object> stateDict = new LinkedHashMap<>();
    for (int i = 0; i < 500; i++) {
      stateDict.put(
          "layers." + i + ".weight", TestTensors.pattern(DType.FLOAT32, new long[] {64, 64}));
      stateDict.put("layers." + i + ".bias", TestTensors.pattern(DType.FLOAT32, new long[] {64}));
    }
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("state_dict", stateDict);
    tree.put("training_iteration", Map.of("epoch", 3L, "update", 1000L, "sample", 64000L));
    Path normal = dir.resolve("state-dict-1000.th");
    ThFormat.write(normal, tree);
    System.out.printf(
        "1000-tensor state dict (%d bytes): median %.3f ms per read%n",
        Files.size(normal), median(normal, reads));
    // The same keys with one-element tensors: the pickle and the graph check are most of the read.
    Map<String, Object> tiny = new LinkedHashMap<>();
    stateDict
        .keySet()
        .forEach(k -> tiny.put(k, TestTensors.pattern(DType.FLOAT32, new long[] {1})));
    Path small = dir.resolve("state-dict-1000-tiny.th");
    ThFormat.write(
        small, Map.of("state_dict", tiny, "training_iteration", tree.get("training_iteration")));
    System.out.printf(
        "1000 one-element tensors (%d bytes): median %.3f ms per read%n",
        Files.size(small), median(small, reads));
    if (Boolean.parseBoolean(System.getProperty("bench.hostile", "true"))) {
      Path diamond = dir.resolve("diamond.th");
      HostileFiles.pickle(
          diamond,
          HostileFiles.listDiamond(
                  new HostileFiles.P().proto(2).op(Opcodes.EMPTY_DICT).string("a"), 40)
              .op(Opcodes.SETITEM)
              .stop());
      Path expanded = dir.resolve("expanded.th");
      HostileFiles.oneTensor(expanded, 4, 4, 0, new long[] {1L << 31}, new long[] {0});
      System.out.printf(
          "reference diamond, 40 levels (%d bytes): median %.3f ms to refuse%n",
          Files.size(diamond), median(diamond, reads));
      System.out.printf(
          "8 GiB stride-0 tensor (%d bytes): median %.3f ms to refuse%n",
          Files.size(expanded), median(expanded, reads));
    }
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  private static double median(Path file, int reads) {
    double[] ms = new double[reads];
    for (int i = -reads / 3; i < reads; i++) { // the first third warms up the JIT
      long start = System.nanoTime();
      try {
        ThReader.readObject(file);
      } catch (Exception e) {
        if (i == 0) {
          System.out.println("  " + e.getMessage().replaceAll("\\(the file's.*", "..."));
        }
      }
      if (i >= 0) {
        ms[i] = (System.nanoTime() - start) / 1e6;
      }
    }
    Arrays.sort(ms);
    return ms[reads / 2];
  }
}
