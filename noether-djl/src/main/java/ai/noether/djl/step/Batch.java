package ai.noether.djl.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.NoSuchElementException;

/**
 * The arrays of one batch on the model's device, one per dataset field the step reads. Each array
 * carries its field's name ({@link NDArray#getName()}), so a batch is a set of named arrays split
 * into what goes into the model and what the losses compare with.
 *
 * @param inputs the model inputs, in the order of the step's {@code inputs:} (by default the {@code
 *     features} field); first dimension the batch
 * @param targets the target fields, in the order of the step's {@code targets:} (by default the
 *     {@code targets} field); first dimension the batch
 */
public record Batch(NDList inputs, NDList targets) {

  /**
   * The array of the field named {@code name}, among the inputs and then the targets.
   *
   * @throws NoSuchElementException naming the field and the fields the batch holds
   */
  public NDArray field(String name) {
    for (NDList list : new NDList[] {inputs, targets}) {
      for (NDArray array : list) {
        if (name.equals(array.getName())) {
          return array;
        }
      }
    }
    StringBuilder names = new StringBuilder();
    for (NDList list : new NDList[] {inputs, targets}) {
      for (NDArray array : list) {
        names.append(names.length() == 0 ? "" : ", ").append(array.getName());
      }
    }
    throw new NoSuchElementException("the batch has no field '" + name + "'; it holds " + names);
  }
}
