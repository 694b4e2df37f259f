package ai.noether.core.run;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code kind: test-fill-disk} with {@code at_update: k}, {@code path: FILE} and {@code
 * leave_free_bytes: n}: after update {@code k}, another "job" fills the disk of {@code FILE} by
 * writing to it until the file system says "No space left on device", then gives {@code n} bytes
 * back, so that small appends still fit but a checkpoint does not. Found through the test services
 * file.
 */
public final class FillDiskCallbackFactory
    implements CallbackFactory<FillDiskCallbackFactory.Config> {

  /**
   * @param atUpdate the update after which the disk fills; positive
   * @param path the file that fills it
   * @param leaveFreeBytes bytes given back after the disk is full
   */
  public record Config(long atUpdate, String path, long leaveFreeBytes) {}

  @Override
  public String kind() {
    return "test-fill-disk";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public String description() {
    return "fills the disk after a given update, as another job on the same disk would (test plugin)";
  }

  @Override
  public Callback create(Config config, ComponentContext context) {
    return new Callback() {
      @Override
      public void afterUpdate(TrainingContext training) {
        if (training.iteration().update() == config.atUpdate()) {
          fill(Path.of(config.path()), config.leaveFreeBytes());
        }
      }
    };
  }

  private static void fill(Path file, long giveBack) {
    byte[] chunk = new byte[64 * 1024];
    try {
      try (OutputStream out = Files.newOutputStream(file)) {
        while (true) {
          out.write(chunk);
        }
      } catch (IOException full) {
        if (!String.valueOf(full.getMessage()).contains("No space left on device")) {
          throw full;
        }
      }
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(Math.max(0, ch.size() - giveBack));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
