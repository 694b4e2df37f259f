package ai.noether.djl.model.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.noether.api.ConfigException;
import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.check.SampleShape;
import ai.noether.api.spi.ModelFactory;
import ai.noether.api.tensor.DType;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.ConfigBinder;
import ai.noether.djl.ChildJvm;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.StateDigest;
import ai.noether.testkit.TestComponentContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class BlockModelFactoryTest {
  static final String BY_CONSTRUCTOR =
      "{block_class: ai.noether.djl.model.block.TinyRulNet, arguments: [8, 3],"
          + " input_shapes: [[6, 4]]}";

  static BlockModelConfig config(String yaml) throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> settings = new YAMLMapper().readValue(yaml, Map.class);
    return ConfigBinder.bind(
        ComponentBlock.of("model", BlockModelFactory.KIND, settings),
        BlockModelConfig.class,
        "model");
  }

  private static DjlModel create(String yaml, long seed) throws Exception {
    return new BlockModelFactory().create("net", config(yaml), TestComponentContext.withSeed(seed));
  }

  @Test
  void aBlockByClassNameWithConstructorArgumentsGetsPyTorchNamesAndNamedOutputs() throws Exception {
    try (DjlModel model = create(BY_CONSTRUCTOR, 1)) {
      assertThat(model.stateDict().keySet())
          .containsExactly(
              "encoder.weight_ih_l0",
              "encoder.weight_hh_l0",
              "encoder.bias_ih_l0",
              "encoder.bias_hh_l0",
              "norm.weight",
              "norm.bias",
              "norm.running_mean",
              "norm.running_var",
              "norm.num_batches_tracked",
              "rul.weight",
              "rul.bias",
              "health.weight",
              "health.bias");
      assertThat(model.stateDict().get("encoder.weight_ih_l0").shape()).containsExactly(32, 4);
      NDList out = model.forward(new NDList(model.manager().ones(new Shape(2, 6, 4))), false);
      assertThat(out.stream().map(a -> a.getName()).toList()).containsExactly("rul", "health");
      assertThat(out.get(1).getShape().getShape()).containsExactly(2, 3);
      out.close();
      assertThat(model.config())
          .containsEntry("kind", "block")
          .containsEntry("arguments", List.of(8L, 3L))
          .containsEntry("initialization", "djl");
    }
  }

  @Test
  void aFactoryMethodAndABlockFactoryTakeTheirArgumentsAsAMapping() throws Exception {
    String viaMethod =
        "{block_class: ai.noether.djl.model.block.TinyRulNet, factory_method: of,"
            + " arguments: {hidden_size: 8, health_classes: 3}, input_shapes: [[6, 4]]}";
    String viaFactory =
        "{block_class: 'ai.noether.djl.model.block.TinyRulNet$Factory',"
            + " arguments: {hidden_size: 8, health_classes: 3}, input_shapes: [[6, 4]]}";
    try (DjlModel a = create(BY_CONSTRUCTOR, 5);
        DjlModel b = create(viaMethod, 5);
        DjlModel c = create(viaFactory, 5)) {
      assertThat(StateDigest.of(b.stateDict())).isEqualTo(StateDigest.of(a.stateDict()));
      assertThat(StateDigest.of(c.stateDict())).isEqualTo(StateDigest.of(a.stateDict()));
    }
  }

  @Test
  void theSameConfigStartsBitIdenticalInAnotherProcessWithDjlsDefaultInitializers()
      throws Exception {
    String child = ChildJvm.run(BlockDigestMain.class, "31", BY_CONSTRUCTOR);
    try (DjlModel here = create(BY_CONSTRUCTOR, 31);
        DjlModel other = create(BY_CONSTRUCTOR, 32)) {
      assertThat(child.strip()).isEqualTo("digest=" + StateDigest.of(here.stateDict()));
      assertThat(StateDigest.of(other.stateDict())).isNotEqualTo(StateDigest.of(here.stateDict()));
      // DJL's defaults: Xavier-type normal weights (not PyTorch's bounded uniform), zero biases.
      assertThat(here.stateDict().get("rul.bias").toFloatArray()).containsOnly(0f);
    }
  }

  @Test
  void pytorchInitializationDrawsPyTorchsDefaultsForTheStandardLayers() throws Exception {
    try (DjlModel model = create(BY_CONSTRUCTOR.replace("}", ", initialization: pytorch}"), 1)) {
      float bound = (float) (1 / Math.sqrt(8));
      for (float v : model.stateDict().get("encoder.weight_hh_l0").toFloatArray()) {
        assertThat(Math.abs(v)).isLessThanOrEqualTo(bound);
      }
      assertThat(model.stateDict().get("rul.bias").toFloatArray()).doesNotContain(0f);
      assertThat(model.stateDict().get("norm.weight").toFloatArray()).containsOnly(1f);
    }
  }

  @Test
  void aWrongClassOrArgumentListIsReportedByTheChecksWithWhatWouldFit() throws Exception {
    assertThat(problems("{block_class: com.example.Missing, input_shapes: [[6, 4]]}"))
        .contains("block_class: class 'com.example.Missing' is not on the class path");
    assertThat(problems("{block_class: java.lang.String, input_shapes: [[6, 4]]}"))
        .contains("java.lang.String is neither a DJL Block");
    assertThat(problems(BY_CONSTRUCTOR.replace("[8, 3]", "[8]")))
        .contains("arguments: the 1 arguments [8] fit none of the public constructors of")
        .contains("TinyRulNet(int, int)");
    assertThat(problems(BY_CONSTRUCTOR.replace("[8, 3]", "[8, 'three']")))
        .contains("arguments[1] the value three is not a int");
    assertThat(
            problems(
                "{block_class: 'ai.noether.djl.model.block.TinyRulNet$Factory', arguments: {hidden: 8},"
                    + " input_shapes: [[6, 4]]}"))
        .contains("hidden")
        .contains("hidden_size");
    assertThat(problems(BY_CONSTRUCTOR)).isEmpty();
    assertThat(problems(BY_CONSTRUCTOR.replace("[[6, 4]]", "[[6, 5]]")))
        .contains(
            "input_shapes: the first input is declared [6, 5] but the training features are [6, 4] float32");
  }

  @Test
  void creatingWithAWrongArgumentListFailsWithAConfigException() {
    assertThatThrownBy(() -> create(BY_CONSTRUCTOR.replace("[8, 3]", "{hidden_size: 8}"), 1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "test.arguments: the mapping {hidden_size=8} fit none of the public constructors");
  }

  @Test
  void theServiceLoaderFindsTheKind() {
    @SuppressWarnings("rawtypes")
    List<String> kinds =
        ServiceLoader.load(ModelFactory.class).stream().map(p -> p.get().kind()).toList();
    assertThat(kinds).contains("block");
  }

  private static String problems(String yaml) throws Exception {
    RunPlan plan =
        new RunPlan(
            1,
            0,
            0,
            8,
            100,
            false,
            new SampleShape(List.of(6L, 4L), DType.FLOAT32, "the training features"),
            null,
            null,
            null);
    ConfigProblems problems = new ConfigProblems().at("model");
    new BlockModelFactory().check(config(yaml), plan, problems);
    return String.join("\n", problems.errors().stream().map(Object::toString).toList());
  }
}
