package ai.noether.store.s3;

import java.nio.ByteBuffer;

/**
 * A separate JVM that starts a multipart upload to the S3Proxy of the parent test, prints {@code
 * PART n} as parts are stored, and then stalls mid-file (a checkpoint still being written) until
 * the parent kills it with SIGKILL.
 *
 * <p>Arguments: endpoint, bucket, prefix, object name; with {@code full <MiB>} after them it
 * uploads a whole file of that size instead and prints {@code DONE <crc32c>}.
 */
public final class UploadChildMain {
  private UploadChildMain() {}

  public static void main(String[] args) throws Exception {
    S3StoreConfig config =
        new S3StoreConfig(
            args[0], "us-east-1", true, 5, 2, 0, S3StoreConfig.ConditionalWrites.EMULATED);
    S3ObjectStore store =
        S3ObjectStore.open(new S3Location(args[1], args[2]), config, S3ProxyServer.credentials());
    store.onPartUploaded(
        part -> {
          System.out.println("PART " + part);
          System.out.flush();
        });
    if (args.length > 4) {
      // "full <MiB>": upload the whole file, 1 MiB at a time, and print its checksum.
      long size = Long.parseLong(args[5]) << 20;
      StoredObject done =
          store.upload(
              args[3],
              size,
              channel -> {
                ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
                for (long i = 0; i < size >> 20; i++) {
                  chunk.clear();
                  while (chunk.hasRemaining()) {
                    chunk.putLong(i * 131_071 + chunk.position());
                  }
                  channel.write(chunk.flip());
                }
              });
      System.out.println("DONE " + done.crc32c().getAsLong());
      store.close();
      return;
    }
    long size = 40L * 1024 * 1024;
    store.upload(
        args[3],
        size,
        channel -> {
          byte[] chunk = new byte[1024 * 1024];
          for (int i = 0; i < 12; i++) {
            channel.write(ByteBuffer.wrap(chunk));
          }
          try {
            Thread.sleep(600_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }
}
