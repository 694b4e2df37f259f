package ai.noether.djl.device;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.pytorch.jni.JniUtils;
import ai.noether.api.run.EngineConfig;
import ai.noether.api.spi.EngineThreads;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine block reaches the running PyTorch engine; the JVM's own setting stays when the block
 * is silent.
 */
class PyTorchThreadsTest {
  private String threadsProperty;
  private String interopProperty;
  private int threadsBefore;

  @BeforeEach
  void remember() {
    threadsProperty = System.getProperty(PyTorchThreads.THREADS_PROPERTY);
    interopProperty = System.getProperty(PyTorchThreads.INTEROP_PROPERTY);
    ai.djl.engine.Engine.getEngine("PyTorch");
    threadsBefore = JniUtils.getNumThreads();
  }

  @AfterEach
  void restore() {
    restore(PyTorchThreads.THREADS_PROPERTY, threadsProperty);
    restore(PyTorchThreads.INTEROP_PROPERTY, interopProperty);
    JniUtils.setNumThreads(threadsBefore);
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  @Test
  void theDjlModuleIsFoundAsTheEngineThreadsProvider() {
    assertThat(ServiceLoader.load(EngineThreads.class).stream().map(ServiceLoader.Provider::type))
        .contains(PyTorchThreads.class);
  }

  @Test
  void configuredThreadsAreSetOnTheRunningEngine() {
    String said = new PyTorchThreads().apply(new EngineConfig(2, null), 8);

    assertThat(JniUtils.getNumThreads()).isEqualTo(2);
    assertThat(System.getProperty(PyTorchThreads.THREADS_PROPERTY)).isEqualTo("2");
    assertThat(said).contains("2 intra-op threads (engine.threads)");
  }

  @Test
  void withoutConfigurationTheJvmPropertyWinsOverTheDefault() {
    System.setProperty(PyTorchThreads.THREADS_PROPERTY, "1");
    String said = new PyTorchThreads().apply(EngineConfig.DEFAULT, 8);

    assertThat(JniUtils.getNumThreads()).isEqualTo(1);
    assertThat(said).contains("1 intra-op threads (-Dai.djl.pytorch.num_threads)");
  }

  @Test
  void withoutConfigurationOrPropertyTheDefaultLeavesOneCoreFree() {
    System.clearProperty(PyTorchThreads.THREADS_PROPERTY);
    String said = new PyTorchThreads().apply(EngineConfig.DEFAULT, 3);

    assertThat(JniUtils.getNumThreads()).isEqualTo(2);
    assertThat(said).contains("2 intra-op threads (default: cores - 1)");
  }
}
