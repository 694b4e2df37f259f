package ai.noether.core.store;

import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StageWriter;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The child process of {@link StageLeaseTest}: claims a stage, prints {@code CLAIMED}, and holds
 * the claim until it is killed. Arguments: {@code <output_dir> <run_id> <stage_name>}.
 */
public final class LeaseHolderMain {
  private LeaseHolderMain() {}

  public static void main(String[] args) throws Exception {
    FileCheckpointStore store = FileCheckpointStore.open(Path.of(args[0]));
    ProcessHandle self = ProcessHandle.current();
    store.claim(
        new StageId(args[1], args[2]),
        new StageWriter(
            self.pid(),
            "test-host",
            self.info().startInstant().orElseGet(Instant::now),
            "lease-holder " + String.join(" ", args)));
    System.out.println("CLAIMED");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
