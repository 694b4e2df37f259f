package ai.noether.store.s3;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The object operations the S3 checkpoint store is built from, as {@link S3ObjectStore} carries
 * them out against a server. Every name is relative to {@link #location()}'s prefix. An interface
 * so that the tests can put a decorator between the store and the server (a fault after the n-th
 * call), never to replace the server.
 */
public interface ObjectLayer extends AutoCloseable {

  /** The bucket and prefix every name is relative to. */
  S3Location location();

  /** {@code s3://bucket/key} of a name, for messages. */
  default String url(String name) {
    return "s3://" + location().bucket() + "/" + location().key(name);
  }

  /** See {@link S3ObjectStore#upload}. */
  StoredObject upload(String name, long size, ObjectWriter writer) throws IOException;

  /** See {@link S3ObjectStore#putIfAbsent}. */
  StoredObject putIfAbsent(String name, byte[] bytes);

  /** See {@link S3ObjectStore#putIfMatch}. */
  StoredObject putIfMatch(String name, byte[] bytes, String expectedEtag);

  /** See {@link S3ObjectStore#head}. */
  Optional<StoredObject> head(String name);

  /** See {@link S3ObjectStore#read(String, WritableByteChannel, OptionalLong)}. */
  StoredObject read(String name, WritableByteChannel out, OptionalLong expectedCrc32c)
      throws IOException;

  /** Reads a whole small object verified against the checksum in its metadata. */
  default byte[] readBytes(String name) throws IOException {
    var out = new java.io.ByteArrayOutputStream();
    read(name, java.nio.channels.Channels.newChannel(out), OptionalLong.empty());
    return out.toByteArray();
  }

  /** See {@link S3ObjectStore#readRange}. */
  long readRange(String name, long offset, long length, WritableByteChannel out) throws IOException;

  /** See {@link S3ObjectStore#list}. */
  List<StoredObject> list(String namePrefix);

  /**
   * The names of the "directories" directly under {@code namePrefix} (which ends in {@code /} or is
   * empty): the next path segment of every key below it, without the slash, sorted, each once.
   */
  List<String> children(String namePrefix);

  /** See {@link S3ObjectStore#delete}. */
  void delete(String name);

  /**
   * Aborts the unfinished multipart uploads of keys under {@code namePrefix} started at least
   * {@code olderThan} ago; returns how many.
   */
  int abortUnfinishedUploads(String namePrefix, Duration olderThan);

  @Override
  void close();
}
