package ai.noether.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.run.RunInfo;
import org.junit.jupiter.api.Test;

class TestComponentContextTest {
  @Test
  void itHoldsTheServicesGivenAndNamesTheOneMissing() {
    TestComponentContext context = TestComponentContext.withSeed(7).with(String.class, "greeting");
    assertThat(context.require(RunInfo.class).seed()).isEqualTo(7);
    assertThat(context.require(String.class)).isEqualTo("greeting");
    assertThat(TestComponentContext.empty().find(RunInfo.class)).isEmpty();
    assertThatThrownBy(() -> TestComponentContext.empty().require(RunInfo.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(RunInfo.class.getName());
  }
}
