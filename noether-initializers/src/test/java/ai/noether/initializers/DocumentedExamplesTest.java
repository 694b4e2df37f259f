package ai.noether.initializers;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.core.config.ComponentBlock;
import ai.noether.core.registry.ComponentCategory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every initializer block in the YAML examples of {@code docs/initializers.md} binds to its kind's config. */
class DocumentedExamplesTest {
  private static final Path DOC = Path.of("..", "docs", "initializers.md");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void everyInitializerExampleInTheGuideBinds() throws IOException {
    Matcher yaml = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
    List<String> bound = new ArrayList<>();
    while (yaml.find()) {
      for (Map<String, Object> block : initializerBlocks(YAML.readValue(yaml.group(1), Object.class))) {
        Map<String, Object> settings = new LinkedHashMap<>(block);
        String kind = (String) settings.remove("kind");
        ComponentBlock component = ComponentBlock.of("model.initializers[" + bound.size() + "]", kind, settings);

        assertThat(InitializerYaml.REGISTRY.bind(ComponentCategory.INITIALIZER, component)).as(kind).isNotNull();
        bound.add(kind);
      }
    }

    assertThat(bound).containsExactly(
        "previous-run", "previous-run", "checkpoint-file", "checkpoint-file", "checkpoint-file", "previous-run",
        "checkpoint-file");
  }

  /** The blocks under {@code model.initializers} of a whole example, or the items of a list snippet. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> initializerBlocks(Object example) {
    if (example instanceof List<?> items) {
      return (List<Map<String, Object>>) items;
    }
    if (example instanceof Map<?, ?> root && root.get("model") instanceof Map<?, ?> model
        && model.get("initializers") instanceof List<?> items) {
      return (List<Map<String, Object>>) items;
    }
    return List.of();
  }
}
