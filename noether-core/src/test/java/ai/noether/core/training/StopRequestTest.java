package ai.noether.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StopRequestTest {

  @Test
  void theFirstRequestWinsAndAnInterruptionNamesItsEmergencyCheckpoint() {
    StopRequest request = new StopRequest();
    assertThat(request.get()).isNull();

    assertThat(request.requestInterrupt("SIGTERM received", "signal")).isTrue();
    assertThat(request.requestFinish("early stopping")).isFalse();

    StopRequest.Stop stop = request.get();
    assertThat(stop).isNotNull();
    assertThat(stop.kind()).isEqualTo(StopRequest.Kind.INTERRUPTED);
    assertThat(stop.emergencyReason()).isEqualTo("signal");
  }

  @Test
  void aFinishedRunHasNoEmergencyCheckpoint() {
    StopRequest request = new StopRequest();
    request.requestFinish("early stopping");

    StopRequest.Stop stop = request.get();
    assertThat(stop).isNotNull();
    assertThat(stop.checkpointReason()).isNull();
    assertThatThrownBy(stop::emergencyReason)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("FINISHED stop writes no emergency checkpoint");
  }

  @Test
  void anInterruptionWithoutAReasonOrAFinishWithOneIsRefused() {
    assertThatThrownBy(() -> new StopRequest.Stop(StopRequest.Kind.INTERRUPTED, "kill", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("INTERRUPTED with null");
    assertThatThrownBy(() -> new StopRequest.Stop(StopRequest.Kind.FINISHED, "done", "signal"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FINISHED with signal");
  }
}
