package ai.noether.djl.model;

import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the parameters of a DJL block tree with dotted paths the way PyTorch names a module's
 * {@code state_dict} keys, independent of DJL's per-process parameter ids.
 *
 * <p>The rules:
 *
 * <ul>
 *   <li>a path is the prefix, then one segment per block from the root down, then the parameter's
 *       name ({@code weight}, {@code bias}, ...), joined with dots;
 *   <li>the children of a {@link SequentialBlock} or {@link ParallelBlock} are numbered from 0 in
 *       the order they were added, every child counted (also those without parameters, such as
 *       activations and dropout), as {@code nn.Sequential} numbers its modules;
 *   <li>other children are named by the name they were added under, without the two-digit ordinal
 *       DJL puts in front ({@code 01encoder} becomes {@code encoder});
 *   <li>a block's own parameters come before its children's, as in PyTorch;
 *   <li>the parameters of DJL's standard layers take PyTorch's names ({@link TorchNames}): an
 *       LSTM's {@code l_0_i2h_WEIGHT} is {@code weight_ih_l0}, a batch norm's {@code gamma} is
 *       {@code weight}.
 * </ul>
 *
 * <p>So {@code SequentialBlock[Linear, relu, Linear]} with prefix {@code layers} has {@code
 * layers.0.weight, layers.0.bias, layers.2.weight, layers.2.bias}.
 */
public final class ParameterPaths {
  private static final Pattern ORDINAL = Pattern.compile("^\\d{2,}(.+)$");

  private ParameterPaths() {}

  /**
   * Every parameter of {@code root} by path, in PyTorch's order.
   *
   * @param prefix the first segment(s), e.g. {@code layers}; empty for none
   * @throws IllegalArgumentException if two parameters would get the same path
   */
  public static LinkedHashMap<String, Parameter> of(Block root, String prefix) {
    LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
    walk(root, prefix == null ? "" : prefix, out);
    return out;
  }

  /**
   * Every block of the tree by path, parents before children; the root under {@code prefix} (empty
   * for none). Paths are those of {@link #of}: a block's parameters are its path, a dot and the
   * parameter's name.
   */
  public static LinkedHashMap<String, Block> blocks(Block root, String prefix) {
    LinkedHashMap<String, Block> out = new LinkedHashMap<>();
    walkBlocks(root, prefix == null ? "" : prefix, out);
    return out;
  }

  /**
   * The path of a parameter named {@code name} (DJL's or PyTorch's) of the block at {@code
   * blockPath}.
   */
  public static String join(String blockPath, String name) {
    return blockPath.isEmpty() ? name : blockPath + "." + name;
  }

  private static void walkBlocks(Block block, String prefix, Map<String, Block> out) {
    out.put(prefix, block);
    forEachChild(block, prefix, (child, path) -> walkBlocks(child, path, out));
  }

  private static void walk(Block block, String prefix, Map<String, Parameter> out) {
    for (Pair<String, Parameter> p : block.getDirectParameters()) {
      String path = join(prefix, TorchNames.of(block, p.getKey()));
      if (out.putIfAbsent(path, p.getValue()) != null) {
        throw new IllegalArgumentException(
            "two parameters of the model have the path '" + path + "'");
      }
    }
    forEachChild(block, prefix, (child, path) -> walk(child, path, out));
  }

  /**
   * Visits the children of the block at {@code prefix} in order with their paths: numbered in
   * sequential and parallel blocks, as {@code nn.Sequential} numbers them, else by name.
   */
  private static void forEachChild(Block block, String prefix, BiConsumer<Block, String> visit) {
    boolean numbered = block instanceof SequentialBlock || block instanceof ParallelBlock;
    int index = 0;
    for (Pair<String, Block> child : block.getChildren()) {
      String segment = numbered ? Integer.toString(index) : withoutOrdinal(child.getKey());
      visit.accept(child.getValue(), join(prefix, segment));
      index++;
    }
  }

  private static String withoutOrdinal(String childName) {
    Matcher m = ORDINAL.matcher(childName);
    return m.matches() ? m.group(1) : childName;
  }
}
