package ai.noether.store.s3.checkpoint;

import ai.noether.store.s3.ObjectLayer;
import ai.noether.store.s3.ObjectWriter;
import ai.noether.store.s3.S3Location;
import ai.noether.store.s3.S3StoreException;
import ai.noether.store.s3.StoredObject;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real object layer with a fault: once armed, the n-th call and every call after it fail before
 * reaching the server, as they would for a process that died, or a network that went away, at that
 * point of a commit. Records the calls it let through, so that a failure can name the step.
 */
final class FaultyObjectLayer implements ObjectLayer {
  private final ObjectLayer real;
  private final AtomicInteger calls = new AtomicInteger();
  private final List<String> log = new ArrayList<>();
  private volatile int failFrom = Integer.MAX_VALUE;

  FaultyObjectLayer(ObjectLayer real) {
    this.real = real;
  }

  /** From now on, the {@code n}-th call (1-based) and every later call fail. */
  void failFromCall(int n) {
    calls.set(0);
    log.clear();
    failFrom = n;
  }

  /** The calls made since {@link #failFromCall}, the failing ones marked. */
  synchronized List<String> log() {
    return List.copyOf(log);
  }

  int calls() {
    return calls.get();
  }

  private synchronized void call(String what) {
    int n = calls.incrementAndGet();
    if (n >= failFrom) {
      log.add(n + " FAILED " + what);
      throw new S3StoreException("injected fault at call " + n + " (" + what + ")");
    }
    log.add(n + " " + what);
  }

  @Override
  public S3Location location() {
    return real.location();
  }

  @Override
  public StoredObject upload(String name, long size, ObjectWriter writer) throws IOException {
    call("upload " + name);
    return real.upload(name, size, writer);
  }

  @Override
  public StoredObject putIfAbsent(String name, byte[] bytes) {
    call("putIfAbsent " + name);
    return real.putIfAbsent(name, bytes);
  }

  @Override
  public StoredObject putIfMatch(String name, byte[] bytes, String expectedEtag) {
    call("putIfMatch " + name);
    return real.putIfMatch(name, bytes, expectedEtag);
  }

  @Override
  public Optional<StoredObject> head(String name) {
    call("head " + name);
    return real.head(name);
  }

  @Override
  public StoredObject read(String name, WritableByteChannel out, OptionalLong expectedCrc32c)
      throws IOException {
    call("read " + name);
    return real.read(name, out, expectedCrc32c);
  }

  @Override
  public long readRange(String name, long offset, long length, WritableByteChannel out)
      throws IOException {
    call("readRange " + name);
    return real.readRange(name, offset, length, out);
  }

  @Override
  public List<StoredObject> list(String namePrefix) {
    call("list " + namePrefix);
    return real.list(namePrefix);
  }

  @Override
  public List<String> children(String namePrefix) {
    call("children " + namePrefix);
    return real.children(namePrefix);
  }

  @Override
  public void delete(String name) {
    call("delete " + name);
    real.delete(name);
  }

  @Override
  public int abortUnfinishedUploads(String namePrefix, Duration olderThan) {
    call("abortUnfinishedUploads " + namePrefix);
    return real.abortUnfinishedUploads(namePrefix, olderThan);
  }

  /** The real layer stays open: it is shared with the test's clean readers. */
  @Override
  public void close() {}
}
