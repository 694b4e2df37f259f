package ai.noether.examples.plugin.timebudget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.testkit.YamlBlockBinder;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The config record as users meet it: YAML read by the framework's loader and bound by its binder,
 * which derives the snake_case keys from the record components (no annotations: the plugin sees no
 * Jackson), and the validation messages that name the keys.
 */
class TimeBudgetCallbackConfigTest {
  private static TimeBudgetCallbackConfig bind(String... keys) {
    return YamlBlockBinder.callback(TimeBudgetCallbackConfig.class, "time-budget", keys);
  }

  @Test
  void snakeCaseKeysBindToTheRecordComponentsWithoutAnnotations() {
    TimeBudgetCallbackConfig config = bind("max_minutes: 235", "margin_minutes: 2.5");

    assertThat(config).isEqualTo(new TimeBudgetCallbackConfig(235.0, null, 2.5));
    assertThat(config.maxDuration()).hasValue(Duration.ofMinutes(235));
    assertThat(config.margin()).isEqualTo(Duration.ofSeconds(150));
  }

  @Test
  void theMarginDefaultsToTwoMinutes() {
    assertThat(bind("max_minutes: 60").margin()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void aDeadlineStaysTheTextItWasWrittenAsAndIsReadWithItsOffset() {
    TimeBudgetCallbackConfig config = bind("deadline: 2026-03-01T18:00:00+01:00");

    assertThat(config.deadline()).isEqualTo("2026-03-01T18:00:00+01:00");
    assertThat(config.maxDuration()).isEmpty();
    assertThat(config.deadlineIn(ZoneId.of("Asia/Tokyo")))
        .hasValue(Instant.parse("2026-03-01T17:00:00Z"));
    assertThat(bind("deadline: 2026-03-01T18:00:00Z").deadlineIn(ZoneOffset.ofHours(5)))
        .hasValue(Instant.parse("2026-03-01T18:00:00Z"));
    assertThat(bind("deadline: 2026-03-01T18:00").deadlineIn(ZoneOffset.ofHours(-3)))
        .as("no offset: the local zone's")
        .hasValue(Instant.parse("2026-03-01T21:00:00Z"));
  }

  @Test
  void aBlockWithoutALimitSaysWhichKeysToSet() {
    assertThatThrownBy(() -> bind("margin_minutes: 1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "trainer.callbacks[0]: set max_minutes (minutes from the start of the process, e.g."
                + " max_minutes: 235) or deadline (e.g. deadline: 2026-03-01T18:00:00Z)");
  }

  @Test
  void aBlockWithBothLimitsIsRejected() {
    assertThatThrownBy(() -> bind("max_minutes: 60", "deadline: 2026-03-01T18:00:00Z"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("trainer.callbacks[0]: give max_minutes or deadline, not both");
  }

  @Test
  void aBudgetThatIsNotPositiveIsRejectedNamingTheKey() {
    assertThatThrownBy(() -> bind("max_minutes: -5"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("max_minutes must be a positive number of minutes, was -5.0");
    assertThatThrownBy(() -> new TimeBudgetCallbackConfig(Double.POSITIVE_INFINITY, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max_minutes must be a positive number of minutes, was Infinity");
  }

  @Test
  void aMarginThatLeavesNoBudgetIsRejectedNamingBothKeys() {
    assertThatThrownBy(() -> bind("max_minutes: 1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "margin_minutes (2.0, the default) must be less than max_minutes (1.0)");
    assertThatThrownBy(() -> bind("max_minutes: 10", "margin_minutes: 10"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("margin_minutes (10.0) must be less than max_minutes (10.0)");
    assertThatThrownBy(() -> bind("max_minutes: 10", "margin_minutes: -1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "margin_minutes must be zero or a positive number of minutes, was -1.0");
  }

  @Test
  void aDeadlineThatIsNoDateIsRejectedWithExamples() {
    assertThatThrownBy(() -> bind("deadline: tomorrow"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "deadline 'tomorrow' is not an ISO-8601 date and time; write e.g. 2026-03-01T18:00:00Z,"
                + " 2026-03-01T18:00:00+01:00 or 2026-03-01T18:00 (the machine's local time) (date -Iseconds prints one)");
  }

  @Test
  void aMisspelledKeyIsRejectedWithTheKeysThatExist() {
    assertThatThrownBy(() -> bind("max_minute: 60"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "callbacks.yaml line 9: unknown key 'trainer.callbacks[0].max_minute'. Did you mean"
                + " 'max_minutes'? Valid keys of callback 'time-budget': kind, max_minutes, deadline, margin_minutes");
  }

  @Test
  void aValueOfTheWrongTypeIsRejectedNamingTheKey() {
    assertThatThrownBy(() -> bind("max_minutes: soon"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("trainer.callbacks[0].max_minutes: expected a number");
  }
}
