package ai.noether.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.ComponentFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The typed categories match the api's factory interfaces: one category per factory interface, each
 * typed by what that interface's {@code create} returns and by the one argument it takes besides
 * its config and context (none: {@link Void}), so that the registry's one {@code create} is as
 * typed as the interfaces it calls.
 */
class ComponentCategoryTest {
  @Test
  void everyFactoryInterfaceOfTheApiHasOneCategory() throws Exception {
    List<Class<?>> factories = new ArrayList<>();
    try (Stream<Path> files =
        Files.list(Path.of("../noether-api/src/main/java/ai/noether/api/spi"))) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith("Factory.java") && !name.equals("ComponentFactory.java")) {
          factories.add(Class.forName("ai.noether.api.spi." + name.replace(".java", "")));
        }
      }
    }
    assertThat(factories).hasSize(10);
    assertThat(ComponentCategory.values())
        .extracting(ComponentCategory::factoryType)
        .containsExactlyInAnyOrderElementsOf(factories);
  }

  @Test
  void eachCategoryIsTypedByItsFactoryInterface() throws Exception {
    for (ComponentCategory<?, ?> category : ComponentCategory.values()) {
      Field constant = ComponentCategory.class.getField(category.name());
      assertThat(constant.get(null)).isSameAs(category);
      Type[] types = ((ParameterizedType) constant.getGenericType()).getActualTypeArguments();
      Method create = createMethod(category.factoryType());
      assertThat(types[0]).as("%s creates", category).isEqualTo(create.getReturnType());

      List<Class<?>> inputs = new ArrayList<>();
      for (int i = 0; i < create.getParameterCount(); i++) {
        boolean config = create.getGenericParameterTypes()[i] instanceof TypeVariable<?>;
        if (!config && create.getParameterTypes()[i] != ComponentContext.class) {
          inputs.add(box(create.getParameterTypes()[i]));
        }
      }
      if (inputs.isEmpty()) {
        assertThat(types[1]).as("%s needs", category).isEqualTo(Void.class);
      } else if (inputs.size() == 1) {
        assertThat(types[1]).as("%s needs", category).isEqualTo(inputs.get(0));
      } else {
        Class<?> record = (Class<?>) types[1];
        List<Class<?>> components = new ArrayList<>();
        for (var component : record.getRecordComponents()) {
          components.add(component.getType());
        }
        assertThat(components).as("%s needs", category).isEqualTo(inputs);
      }
    }
  }

  @Test
  void categoriesAreListedInTheOrderARunBuildsThem() {
    assertThat(ComponentCategory.values())
        .extracting(ComponentCategory::noun)
        .containsExactly(
            "store",
            "dataset",
            "model",
            "initializer",
            "optimizer",
            "schedule",
            "metric",
            "training step",
            "callback",
            "logger");
    assertThat(ComponentCategory.CALLBACK.servicesFile())
        .isEqualTo("META-INF/services/ai.noether.api.spi.CallbackFactory");
  }

  private static Method createMethod(Class<?> factoryType) {
    assertThat(ComponentFactory.class.isAssignableFrom(factoryType)).isTrue();
    for (Method m : factoryType.getMethods()) {
      if (m.getName().equals("create") && Modifier.isAbstract(m.getModifiers())) {
        return m;
      }
    }
    throw new AssertionError(factoryType + " has no create method");
  }

  private static Class<?> box(Class<?> type) {
    return type == long.class ? Long.class : type;
  }
}
