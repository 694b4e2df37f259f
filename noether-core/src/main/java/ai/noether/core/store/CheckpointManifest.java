package ai.noether.core.store;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit record of one tag: which files it has, where their bytes are stored, their sizes and
 * CRC32C checksums, the iteration and the commit time. A tag exists for the store exactly when its
 * manifest does; the manifest is written last, under a pending name, and renamed into place.
 *
 * <p>On disk it is a small JSON object (keys from {@link CheckpointKeys}):
 *
 * <pre>{@code
 * {"noether_store_manifest":2,"checkpoint_tag":"latest","alias_of":"E2_U20_S640",
 *  "training_iteration":{"epoch":2,"update":20,"sample":640},"committed_at":"2026-01-01T10:00:00Z",
 *  "files":[{"name":"mlp_cp=latest_model.th","blob":"...mlp_cp=E2_U20_S640_model.th.blob",
 *            "size":1234,"crc32c":305419896}],
 *  "manifest_crc32c":2882396254}
 * }</pre>
 *
 * <p>Since version 2 a manifest carries its own checksum, {@code manifest_crc32c}: the CRC32C of
 * its canonical form, the compact UTF-8 JSON of every other key in file order ({@link
 * #canonicalBytes}). A flipped bit that keeps the JSON valid ({@code "update": 1000} becoming
 * {@code 1008}) would otherwise move a resume to other counters without a word. Version-1
 * manifests, written by earlier releases, are still read; they carry no checksum, which is logged
 * once per file.
 *
 * @param tag the tag this manifest commits
 * @param aliasOf for an alias, the tag it was moved to; null for a checkpoint committed under its
 *     own tag
 * @param iteration the training iteration of the state
 * @param committedAt when the commit happened
 * @param files the files, never empty, in commit order
 */
public record CheckpointManifest(
    CheckpointTag tag,
    @Nullable CheckpointTag aliasOf,
    TrainingIteration iteration,
    Instant committedAt,
    List<Entry> files) {
  /** Raised when the manifest layout changes incompatibly; 2 added {@code manifest_crc32c}. */
  static final int VERSION = 2;

  /** The first version, without a checksum of its own: still read. */
  static final int VERSION_WITHOUT_CHECKSUM = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper CANONICAL = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointManifest.class);

  /** Version-1 manifests already reported, so that repeated listings log each once. */
  private static final Set<String> REPORTED_WITHOUT_CHECKSUM = ConcurrentHashMap.newKeySet();

  /**
   * One file of a manifest.
   *
   * @param name its Noether name in {@code checkpoints/}
   * @param blob the name of its stored bytes in {@code checkpoints/.noether/data/}
   * @param size bytes
   * @param crc32c checksum of all bytes
   */
  public record Entry(CheckpointFileName name, String blob, long size, long crc32c) {
    public StoredFile toStoredFile() {
      return new StoredFile(name, size, crc32c);
    }
  }

  public CheckpointManifest {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(iteration, "iteration");
    Objects.requireNonNull(committedAt, "committedAt");
    files = List.copyOf(files);
  }

  /**
   * The name a store keeps the manifest of {@code tag} under, {@code {tag}.manifest}, in the
   * stage's {@code checkpoints/.noether/} (a directory of the file store, a key prefix of an object
   * store: every store lays a stage out the same way).
   */
  public static String fileName(CheckpointTag tag) {
    return tag.token() + StageDirectory.MANIFEST_SUFFIX;
  }

  /** The tag a manifest's name ({@link #fileName}) stands for; empty for any other name. */
  public static Optional<CheckpointTag> tagOf(String fileName) {
    return StageDirectory.manifestTag(fileName);
  }

  /**
   * The name of the stored bytes of {@code name} in the commit {@code commitId}, {@code
   * {commit}.{name}.blob}.
   */
  public static String blobName(String commitId, CheckpointFileName name) {
    return StageDirectory.blobName(commitId, name);
  }

  /** True for a name {@link #blobName} can produce (a plain name ending in {@code .blob}). */
  public static boolean isBlobName(String name) {
    return StageDirectory.isBlobName(name);
  }

  /** The same files committed under {@code alias}, named for it. */
  public CheckpointManifest asAlias(CheckpointTag alias) {
    List<Entry> renamed =
        files.stream()
            .map(e -> new Entry(e.name().withTag(alias), e.blob(), e.size(), e.crc32c()))
            .toList();
    return new CheckpointManifest(alias, tag, iteration, committedAt, renamed);
  }

  public Optional<Entry> entry(CheckpointFileName name) {
    return files.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  public StoredCheckpoint toStored(StageId stage) {
    return new StoredCheckpoint(
        stage, tag, iteration, files.stream().map(Entry::toStoredFile).toList(), committedAt);
  }

  public byte[] toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put(CheckpointKeys.STORE_MANIFEST_VERSION, VERSION);
    root.put(CheckpointKeys.CHECKPOINT_TAG, tag.token());
    if (aliasOf != null) {
      root.put(CheckpointKeys.ALIAS_OF, aliasOf.token());
    }
    ObjectNode it = root.putObject(CheckpointKeys.TRAINING_ITERATION);
    it.put(CheckpointKeys.EPOCH, iteration.epoch());
    it.put(CheckpointKeys.UPDATE, iteration.update());
    it.put(CheckpointKeys.SAMPLE, iteration.sample());
    root.put(CheckpointKeys.COMMITTED_AT, committedAt.toString());
    ArrayNode array = root.putArray(CheckpointKeys.FILES);
    for (Entry e : files) {
      ObjectNode f = array.addObject();
      f.put(CheckpointKeys.FILE_NAME, e.name().format());
      f.put(CheckpointKeys.FILE_BLOB, e.blob());
      f.put(CheckpointKeys.FILE_SIZE, e.size());
      f.put(CheckpointKeys.FILE_CRC32C, e.crc32c());
    }
    root.put(CheckpointKeys.MANIFEST_CRC32C, checksum(root));
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the manifest of " + tag, e);
    }
  }

  /**
   * Reads the manifest of {@code expectedTag}.
   *
   * @throws java.nio.file.NoSuchFileException if there is none
   * @throws CorruptCheckpointException naming the file and what is wrong, if it cannot be trusted
   */
  static CheckpointManifest read(Path file, CheckpointTag expectedTag) throws IOException {
    return parse(Files.readAllBytes(file), file.toAbsolutePath().toString(), expectedTag);
  }

  /**
   * Parses and checks the manifest of {@code expectedTag} from its bytes, as every store keeps it
   * (a file, an object); {@code file} names where the bytes came from in messages.
   *
   * @throws CorruptCheckpointException naming {@code file} and what is wrong, if it cannot be
   *     trusted
   */
  public static CheckpointManifest parse(byte[] bytes, String file, CheckpointTag expectedTag) {
    try {
      JsonNode root = JSON.readTree(bytes);
      if (root == null || !root.isObject()) {
        throw corrupt(file, "it is not a JSON object");
      }
      int version = requireField(file, root, CheckpointKeys.STORE_MANIFEST_VERSION).asInt(-1);
      if (version != VERSION && version != VERSION_WITHOUT_CHECKSUM) {
        throw corrupt(
            file,
            "it has manifest version "
                + root.get(CheckpointKeys.STORE_MANIFEST_VERSION)
                + ", this store reads versions "
                + VERSION_WITHOUT_CHECKSUM
                + " and "
                + VERSION);
      }
      CheckpointTag tag =
          CheckpointTag.parse(requireField(file, root, CheckpointKeys.CHECKPOINT_TAG).asText());
      if (!tag.equals(expectedTag)) {
        throw corrupt(
            file,
            "it records tag '"
                + tag.token()
                + "', its file name says '"
                + expectedTag.token()
                + "'");
      }
      JsonNode aliasNode = root.get(CheckpointKeys.ALIAS_OF);
      CheckpointTag aliasOf =
          aliasNode == null || aliasNode.isNull() ? null : CheckpointTag.parse(aliasNode.asText());
      JsonNode it = requireField(file, root, CheckpointKeys.TRAINING_ITERATION);
      TrainingIteration iteration =
          new TrainingIteration(
              requireLong(file, it, CheckpointKeys.EPOCH),
              requireLong(file, it, CheckpointKeys.UPDATE),
              requireLong(file, it, CheckpointKeys.SAMPLE));
      Instant committedAt =
          Instant.parse(requireField(file, root, CheckpointKeys.COMMITTED_AT).asText());
      JsonNode array = requireField(file, root, CheckpointKeys.FILES);
      if (!array.isArray() || array.isEmpty()) {
        throw corrupt(file, "'" + CheckpointKeys.FILES + "' must be a non-empty list");
      }
      List<Entry> entries = new ArrayList<>();
      Set<CheckpointFileName> seen = new HashSet<>();
      for (JsonNode f : array) {
        CheckpointFileName name =
            CheckpointFileName.parse(requireField(file, f, CheckpointKeys.FILE_NAME).asText());
        if (!name.tag().equals(tag)) {
          throw corrupt(file, "file '" + name + "' does not belong to tag '" + tag.token() + "'");
        }
        if (!seen.add(name)) {
          throw corrupt(file, "file '" + name + "' is listed twice");
        }
        String blob = requireField(file, f, CheckpointKeys.FILE_BLOB).asText();
        if (!StageDirectory.isBlobName(blob)) {
          throw corrupt(
              file,
              "stored file '"
                  + blob
                  + "' of '"
                  + name
                  + "' is not a plain name ending in "
                  + StageDirectory.BLOB_SUFFIX);
        }
        long size = requireLong(file, f, CheckpointKeys.FILE_SIZE);
        long crc = requireLong(file, f, CheckpointKeys.FILE_CRC32C);
        if (crc < 0 || crc > 0xFFFF_FFFFL) {
          throw corrupt(file, "CRC32C " + crc + " of '" + name + "' is out of range");
        }
        entries.add(new Entry(name, blob, size, crc));
      }
      // Checked last, so that a manifest edited by hand is refused for what is wrong in it first.
      requireOwnChecksum(file, (ObjectNode) root, version);
      return new CheckpointManifest(tag, aliasOf, iteration, committedAt, entries);
    } catch (IOException
        | DateTimeParseException
        | IllegalArgumentException
        | InvalidNameException e) {
      throw corrupt(file, Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
    }
  }

  private static void requireOwnChecksum(String file, ObjectNode root, int version) {
    JsonNode recorded = root.get(CheckpointKeys.MANIFEST_CRC32C);
    if (version == VERSION_WITHOUT_CHECKSUM) {
      if (recorded != null) {
        throw corrupt(
            file,
            "it says manifest version 1, which has no '"
                + CheckpointKeys.MANIFEST_CRC32C
                + "', but it has one");
      }
      if (REPORTED_WITHOUT_CHECKSUM.add(file)) {
        LOG.info(
            "checkpoint manifest {} was written by an earlier release (manifest version 1) and carries no checksum"
                + " of its own; its files' checksums and the iteration inside them are still verified",
            file);
      }
      return;
    }
    long expected = requireLong(file, root, CheckpointKeys.MANIFEST_CRC32C);
    ObjectNode content = root.deepCopy();
    content.remove(CheckpointKeys.MANIFEST_CRC32C);
    long actual = checksum(content);
    if (actual != expected) {
      throw corrupt(
          file,
          "its content does not match its own checksum (CRC32C "
              + String.format("%08x", actual)
              + ", recorded "
              + String.format("%08x", expected)
              + "): it was changed after it was written, so none of"
              + " its counters, sizes, checksums or file names can be trusted");
    }
  }

  /** CRC32C of {@link #canonicalBytes} of {@code content}. */
  private static long checksum(ObjectNode content) {
    CRC32C crc = new CRC32C();
    crc.update(canonicalBytes(content));
    return crc.getValue();
  }

  /**
   * The bytes a manifest's checksum covers: its keys other than {@code manifest_crc32c}, in file
   * order, as compact JSON. Whitespace does not count, so the checksum survives re-indentation but
   * not a changed value, key or order.
   */
  public static byte[] canonicalBytes(ObjectNode content) {
    try {
      return CANONICAL.writeValueAsBytes(content);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a manifest", e);
    }
  }

  private static JsonNode requireField(String file, JsonNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw corrupt(file, "the key '" + key + "' is missing");
    }
    return value;
  }

  private static long requireLong(String file, JsonNode node, String key) {
    JsonNode value = requireField(file, node, key);
    if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0) {
      throw corrupt(file, "'" + key + "' must be a non-negative integer, not " + value);
    }
    return value.asLong();
  }

  private static CorruptCheckpointException corrupt(String file, String why) {
    return new CorruptCheckpointException(
        "checkpoint manifest " + file + " cannot be trusted: " + why);
  }

  private static CorruptCheckpointException corrupt(String file, String why, Throwable cause) {
    return new CorruptCheckpointException(
        "checkpoint manifest " + file + " cannot be trusted: " + why, cause);
  }
}
