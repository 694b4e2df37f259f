package ai.noether.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.callback.Callback;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.ConfigBinder;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.RunContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The trainer block at the top of {@code docs/callbacks.md} binds and builds every callback. */
class DocumentedExampleTest {
  private static final Path DOC = Path.of("..", "docs", "callbacks.md");

  @SuppressWarnings("unchecked")
  private static <T> T plain(T tree) {
    if (tree instanceof Integer i) {
      return (T) Long.valueOf(i);
    }
    if (tree instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put((String) k, plain(v)));
      return (T) out;
    }
    if (tree instanceof List<?> l) {
      return (T) new ArrayList<>(l.stream().map(DocumentedExampleTest::plain).toList());
    }
    return tree;
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void theExampleOfTheCallbacksGuideBuildsEveryCallback() throws IOException {
    Matcher yaml =
        Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
    assertThat(yaml.find()).as("a yaml block in %s", DOC).isTrue();
    Map<String, Object> root =
        plain(new ObjectMapper(new YAMLFactory()).readValue(yaml.group(1), Map.class));
    List<Map<String, Object>> blocks =
        (List<Map<String, Object>>) ((Map<String, Object>) root.get("trainer")).get("callbacks");
    Map<String, CallbackFactory> factories = new HashMap<>();
    // As a run finds them: the services file's factories, created by the process injector.
    ComponentRegistry.load()
        .registrations(ComponentCategory.CALLBACK)
        .forEach(r -> factories.put(r.kind(), (CallbackFactory) r.factory()));

    List<String> built = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      Map<String, Object> settings = new LinkedHashMap<>(blocks.get(i));
      String kind = (String) settings.remove("kind");
      CallbackFactory factory = factories.get(kind);
      Object config =
          ConfigBinder.bind(
              ComponentBlock.of("trainer.callbacks[" + i + "]", kind, settings),
              factory.configType(),
              "callback '" + kind + "'");
      Callback callback = factory.create(config, new RunContext());
      assertThat(callback).as(kind).isNotNull();
      built.add(kind);
    }

    assertThat(built)
        .containsExactly(
            "checkpoint", "ema", "best-checkpoint", "early-stopping", "history", "progress");
  }
}
