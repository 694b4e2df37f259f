package ai.noether.djl.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.noether.api.run.DeviceSpec;
import org.junit.jupiter.api.Test;

class DeviceSelectorTest {

  @Test
  void autoChoosesTheCpuWhenTheEngineSeesNoGpu() {
    assertThat(DeviceSelector.select(DeviceSpec.AUTO, 0)).isEqualTo(Device.cpu());
  }

  @Test
  void autoChoosesTheFirstGpuWhenTheEngineSeesOne() {
    assertThat(DeviceSelector.select(DeviceSpec.AUTO, 2)).isEqualTo(Device.gpu(0));
  }

  @Test
  void cpuIsTheCpuEvenWhenGpusExist() {
    assertThat(DeviceSelector.select(DeviceSpec.CPU, 4)).isEqualTo(Device.cpu());
  }

  @Test
  void anExistingGpuIndexIsThatGpu() {
    assertThat(DeviceSelector.select(DeviceSpec.parse("gpu:1"), 2)).isEqualTo(Device.gpu(1));
  }

  @Test
  void aGpuIndexBeyondTheGpusPresentFailsNamingHowManyExist() {
    assertThatThrownBy(() -> DeviceSelector.select(DeviceSpec.parse("gpu:2"), 2))
        .isInstanceOf(DeviceUnavailableException.class)
        .hasMessageContaining("device gpu:2 was requested")
        .hasMessageContaining("sees 2 GPUs (gpu:0 to gpu:1)")
        .hasMessageContaining("or gpu:0 to gpu:1");
  }

  @Test
  void askingForAGpuOnAMachineWithoutOneSaysSoAndSuggestsAlternatives() {
    assertThatThrownBy(() -> DeviceSelector.select(DeviceSpec.parse("gpu"), 0))
        .isInstanceOf(DeviceUnavailableException.class)
        .hasMessageContaining("device gpu:0 was requested but the engine sees no GPU")
        .hasMessageContaining("use device: auto");
  }

  @Test
  void autoOnThisMachineFollowsTheEnginesGpuCount() {
    Device expected = Engine.getInstance().getGpuCount() > 0 ? Device.gpu(0) : Device.cpu();
    assertThat(DeviceSelector.select(DeviceSpec.AUTO)).isEqualTo(expected);
  }
}
