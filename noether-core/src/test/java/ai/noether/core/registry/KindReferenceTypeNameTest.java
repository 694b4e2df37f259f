package ai.noether.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KindReferenceTypeNameTest {
  record Shapes(List<List<Long>> inputShapes, Map<String, Head> heads, List<Head> layers) {}

  record Head(Integer outputSize) {}

  @Test
  void nestedListsAndMappingsReadAsPlainEnglish() throws Exception {
    assertThat(KindReference.typeName(Shapes.class.getRecordComponents()[0].getGenericType()))
        .isEqualTo("list of lists of integers");
    assertThat(KindReference.typeName(Shapes.class.getRecordComponents()[1].getGenericType()))
        .isEqualTo("mapping to mappings (output_size)");
    assertThat(KindReference.typeName(Shapes.class.getRecordComponents()[2].getGenericType()))
        .isEqualTo("list of mappings (output_size)");
  }
}
