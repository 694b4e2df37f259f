package ai.noether.examples.logging;

import ch.qos.logback.core.PropertyDefinerBase;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;

/**
 * The log level for DJL's CUDA probe ({@code ai.djl.util.cuda.CudaUtils}), defined in {@code
 * logback.xml}: {@code ERROR} when the only PyTorch native library on the class path is a CPU
 * build, {@code WARN} otherwise.
 *
 * <p>DJL asks any CUDA runtime it finds on the machine how many GPUs there are, even when the
 * bundled PyTorch is the CPU build that can never use one; on a machine with a CUDA runtime but an
 * older or missing driver every command then warned "Failed to detect GPU count: CUDA driver
 * version is insufficient" twice. With a CPU build that says nothing about the run, so it is
 * hidden; with a CUDA build (or a library DJL downloads) it is a real problem and stays visible. A
 * GPU asked for on a CPU build is still an error of its own ({@code device: gpu}).
 */
public final class CudaProbeLogLevel extends PropertyDefinerBase {
  /**
   * Where each PyTorch native jar describes itself ({@code flavor=cpu}, {@code flavor=cu124}...).
   */
  static final String NATIVE_PROPERTIES = "native/lib/pytorch.properties";

  @Override
  public String getPropertyValue() {
    return cpuOnly(getClass().getClassLoader()) ? "ERROR" : "WARN";
  }

  /** True when the class path holds PyTorch native libraries and all of them are CPU builds. */
  static boolean cpuOnly(ClassLoader loader) {
    List<String> flavors = new ArrayList<>();
    try {
      Enumeration<URL> found = loader.getResources(NATIVE_PROPERTIES);
      while (found.hasMoreElements()) {
        Properties p = new Properties();
        try (InputStream in = found.nextElement().openStream()) {
          p.load(in);
        }
        flavors.add(p.getProperty("flavor", ""));
      }
    } catch (IOException | RuntimeException e) {
      return false; // cannot tell: keep DJL's warnings
    }
    return !flavors.isEmpty() && flavors.stream().allMatch("cpu"::equals);
  }
}
