package ai.noether.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.Names;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RunIdsTest {

  @Test
  void idsAreUniqueValidAndSortInTheOrderTheyWereCreated() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(RunIds.next());
    }

    assertThat(new HashSet<>(ids)).hasSize(ids.size());
    assertThat(ids).allSatisfy(id -> assertThat(Names.requireRunId(id)).isEqualTo(id));
    assertThat(ids).isSorted();
  }

  @Test
  void anIdStartsWithTheUtcCreationTimeAndIsEighteenCharactersLong() {
    String id = RunIds.next(Instant.parse("2031-03-15T14:22:33Z"), new Random(1));

    assertThat(id).hasSize(18).startsWith("310315-142233-").matches(".*-[0-9a-z]{4}");
  }

  @Test
  void aClockThatStepsBackDoesNotBreakTheOrder() {
    String later = RunIds.next(Instant.parse("2032-01-01T00:00:10Z"), new Random(2));
    String earlierClock = RunIds.next(Instant.parse("2032-01-01T00:00:05Z"), new Random(3));

    assertThat(earlierClock).isGreaterThan(later).startsWith("320101-000010-");
  }
}
