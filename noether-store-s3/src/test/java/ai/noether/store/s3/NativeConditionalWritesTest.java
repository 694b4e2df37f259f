package ai.noether.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.store.s3.S3StoreConfig.ConditionalWrites;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The server-side conditional writes ({@code If-None-Match: *}, {@code If-Match}), which S3Proxy
 * 2.6.0 does not implement. Runs only against a server named by {@code NOETHER_S3_TEST_ENDPOINT}
 * (e.g. MinIO on {@code http://127.0.0.1:9000}) with an existing {@code NOETHER_S3_TEST_BUCKET};
 * credentials come from the standard AWS variables. Two separate stores (two clients, as two
 * processes would have) race, so only the server can make exactly one win.
 */
@EnabledIfEnvironmentVariable(named = "NOETHER_S3_TEST_ENDPOINT", matches = ".+")
class NativeConditionalWritesTest {

  private static S3ObjectStore open(S3Location location) {
    return S3ObjectStore.open(
        location,
        new S3StoreConfig(
            System.getenv("NOETHER_S3_TEST_ENDPOINT"),
            System.getenv().getOrDefault("AWS_REGION", "us-east-1"),
            true,
            null,
            null,
            null,
            null));
  }

  @Test
  void theProbeFindsNativeConditionalWritesAndTwoClientsRacingLeaveExactlyOneWinner()
      throws Exception {
    S3Location location =
        new S3Location(
            System.getenv("NOETHER_S3_TEST_BUCKET"), "noether-test/" + UUID.randomUUID());
    try (S3ObjectStore a = open(location);
        S3ObjectStore b = open(location)) {
      assertThat(a.conditionalWrites()).isEqualTo(ConditionalWrites.NATIVE);

      a.putIfAbsent("manifest", bytes("a"));
      assertThatThrownBy(() -> b.putIfAbsent("manifest", bytes("b")))
          .isInstanceOf(S3ConditionFailedException.class);

      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 20; round++) {
          String etag = a.put("latest", bytes("base" + round)).etag();
          CyclicBarrier barrier = new CyclicBarrier(2);
          List<Future<Boolean>> racers = new ArrayList<>();
          for (S3ObjectStore store : List.of(a, b)) {
            racers.add(
                threads.submit(
                    (Callable<Boolean>)
                        () -> {
                          barrier.await();
                          try {
                            store.putIfMatch("latest", bytes("moved"), etag);
                            return true;
                          } catch (S3ConditionFailedException lost) {
                            return false;
                          }
                        }));
          }
          int winners = 0;
          for (Future<Boolean> racer : racers) {
            winners += racer.get() ? 1 : 0;
          }
          assertThat(winners).as("winners of round %d", round).isEqualTo(1);
        }
      } finally {
        threads.shutdownNow();
        for (var o : a.list("")) {
          a.delete(o.key().substring(location.prefix().length()));
        }
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
