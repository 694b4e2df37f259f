package ai.noether.api.checkpoint;

import java.io.Closeable;
import java.io.IOException;

/**
 * The right to write one stage, from {@link CheckpointStore#claim}: while it is open no other claim
 * of the stage can be taken, in this process or any other. Closing it gives the stage up; so does
 * the end of the process, however it ends (a crash, {@code kill -9}), so a claim can never outlive
 * its holder.
 */
public interface StageClaim extends Closeable {

  /** The stage this claim is for. */
  StageId stage();

  /** Gives the stage up; does nothing when it was given up already. */
  @Override
  void close() throws IOException;
}
