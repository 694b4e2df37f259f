package ai.noether.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.NoetherException;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.run.RunInfo;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.registry.TestPlugins.CountingCallback;
import ai.noether.core.registry.TestPlugins.CountingCallbackFactory;
import ai.noether.core.registry.TestPlugins.Greeting;
import ai.noether.core.registry.TestPlugins.GreetingCallback;
import ai.noether.core.registry.TestPlugins.ShadowingCallbackFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComponentRegistryTest {
  static final String RUN =
      """
      store: {kind: test-store}
      dataset: {kind: test-dataset, samples: 64}
      model: {name: net, kind: test-model, hidden_sizes: [8]}
      optimizer:
        kind: test-optimizer
        lr: 0.1
        schedule: {kind: test-scaled, factor: 0.5}
      trainer:
        kind: test-step
        max_updates: 10
        batch_size: 4
        loss: mse
        callbacks:
          - kind: test-counting
            every_n_updates: 5
            keep_last: 3
          - kind: test-injected
      """;

  static final ComponentRegistry REGISTRY = ComponentRegistry.load();

  @TempDir Path dir;

  RunConfig config(String yaml, String... overrides) {
    return new RunConfigLoader(dir, () -> "run-1").parse(yaml, "run.yaml", List.of(overrides));
  }

  ComponentBlock callback(String... overrides) {
    return config(RUN, overrides).trainer().callbacks().get(0);
  }

  String error(Runnable action) {
    return Assertions.assertThrows(ConfigException.class, action::run).getMessage();
  }

  @Test
  void discoversTheFactoriesListedInServicesFilesWithTheirSource() {
    assertThat(REGISTRY.registrations(ComponentCategory.CALLBACK))
        .extracting(Registration::kind)
        .containsExactly("test-counting", "test-injected", "test-rejecting");
    assertThat(REGISTRY.registrations(ComponentCategory.SCHEDULE))
        .filteredOn(r -> r.kind().startsWith("test-"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.kind()).isEqualTo("test-scaled");
              assertThat(r.description()).isEqualTo("Scales the learning rate (test plugin)");
              assertThat(r.source()).endsWith("target/test-classes");
            });
  }

  @Test
  void theFirstProviderOfAKindWinsAndTheLaterOneIsReportedAsIgnored() {
    Registration counting = REGISTRY.resolve(ComponentCategory.CALLBACK, callback());

    assertThat(counting.factory()).isInstanceOf(CountingCallbackFactory.class);
    assertThat(REGISTRY.ignored())
        .singleElement()
        .satisfies(r -> assertThat(r.factory()).isInstanceOf(ShadowingCallbackFactory.class));
  }

  @Test
  void createsACallbackFromItsBlockWithTheBoundConfigAndAContextAtTheBlocksPath() {
    RunConfig config = config(RUN);

    Callback callback =
        REGISTRY.create(
            ComponentCategory.CALLBACK,
            config.trainer().callbacks().get(0),
            RunContext.forRun(config));

    assertThat(callback)
        .isEqualTo(
            new CountingCallback(
                Interval.updates(5),
                3,
                "trainer.callbacks[0]",
                new RunInfo(config.stage(), 0, config.device())));
  }

  @Test
  void createsASchedule() {
    RunConfig config = config(RUN);

    LrSchedule schedule =
        REGISTRY.create(
            ComponentCategory.SCHEDULE, config.optimizer().schedule(), RunContext.forRun(config));

    assertThat(schedule.learningRate(0.1, 3, 10)).isEqualTo(0.05);
  }

  @Test
  void factoriesGetTheirInjectedServicesFromGuice() {
    RunConfig config = config(RUN);
    ComponentBlock block = config.trainer().callbacks().get(1);
    ComponentRegistry withModule =
        ComponentRegistry.load(
            getClass().getClassLoader(),
            binder -> binder.bind(Greeting.class).toInstance(new Greeting("bonjour")));

    assertThat(REGISTRY.create(ComponentCategory.CALLBACK, block, RunContext.forRun(config)))
        .isEqualTo(new GreetingCallback("hello"));
    assertThat(withModule.create(ComponentCategory.CALLBACK, block, RunContext.forRun(config)))
        .isEqualTo(new GreetingCallback("bonjour"));
  }

  @Test
  void aKindMayBeTheClassNameOfAFactoryInNoServicesFile() {
    RunConfig config =
        config(
            RUN,
            "trainer.callbacks[0]={kind: ai.noether.core.registry.UnlistedCallbackFactory, label: x}");

    Callback callback =
        REGISTRY.create(
            ComponentCategory.CALLBACK,
            config.trainer().callbacks().get(0),
            RunContext.forRun(config));

    assertThat(callback).isEqualTo(new UnlistedCallbackFactory.LabelCallback("x"));
  }

  @Test
  void aClassNameMayNameARegisteredOrANestedFactoryClass() {
    ComponentBlock canonical =
        callback(
            "trainer.callbacks[0].kind=ai.noether.core.registry.TestPlugins.CountingCallbackFactory");
    ComponentBlock binary =
        callback(
            "trainer.callbacks[0].kind=ai.noether.core.registry.TestPlugins$CountingCallbackFactory");

    assertThat(REGISTRY.resolve(ComponentCategory.CALLBACK, canonical).kind())
        .isEqualTo("test-counting");
    assertThat(REGISTRY.resolve(ComponentCategory.CALLBACK, binary).factory())
        .isSameAs(REGISTRY.resolve(ComponentCategory.CALLBACK, callback()).factory());
  }

  @Test
  void anUnknownKindNamesThePathListsTheKnownKindsAndSuggestsTheNearest() {
    ComponentBlock block = callback("trainer.callbacks[0].kind=test-countin");

    assertThat(error(() -> REGISTRY.resolve(ComponentCategory.CALLBACK, block)))
        .isEqualTo(
            """
        command-line argument 'trainer.callbacks[0].kind=test-countin': trainer.callbacks[0]: unknown callback kind \
        'test-countin'. Did you mean 'test-counting'? Known callback kinds:
          test-counting   Counts updates (test plugin)  [%1$s]
          test-injected   (no description)  [%1$s]
          test-rejecting  (no description)  [%1$s]
        A kind is a registered name or the fully qualified class name of a CallbackFactory. Plugins add kinds with \
        a jar on the classpath that lists its factory classes in META-INF/services/ai.noether.api.spi.CallbackFactory.\
        """
                .formatted(REGISTRY.registrations(ComponentCategory.CALLBACK).get(0).source()));
  }

  @Test
  void anUnknownKindInTheFileNamesTheFileAndLine() {
    ComponentBlock block =
        config(RUN.replace("kind: test-injected", "kind: ema")).trainer().callbacks().get(1);

    assertThat(error(() -> REGISTRY.resolve(ComponentCategory.CALLBACK, block)))
        .startsWith(
            "run.yaml line 17: trainer.callbacks[1]: unknown callback kind 'ema'. Known callback kinds:");
  }

  @Test
  void aCategoryWithoutKindsSaysWhichModuleProvidesThem() {
    ComponentBlock block =
        config(RUN.replace("hidden_sizes: [8]}", "initializers: [{kind: previous-run}]}"))
            .model()
            .initializers()
            .get(0);

    assertThat(error(() -> REGISTRY.resolve(ComponentCategory.INITIALIZER, block)))
        .startsWith(
            "run.yaml line 3: model.initializers[0]: unknown initializer kind 'previous-run'. No initializer kinds are"
                + " registered; noether-initializers provides the standard ones.\nA kind is a registered name or the"
                + " fully qualified class name of an InitializerFactory.");
  }

  @Test
  void aClassNameThatIsNotOnTheClasspathIsAnUnknownKind() {
    ComponentBlock block = callback("trainer.callbacks[0].kind=com.example.EmaCallbackFactory");

    assertThat(error(() -> REGISTRY.resolve(ComponentCategory.CALLBACK, block)))
        .startsWith(
            "command-line argument 'trainer.callbacks[0].kind=com.example.EmaCallbackFactory': trainer.callbacks[0]:"
                + " unknown callback kind 'com.example.EmaCallbackFactory': no class of that name is on the classpath."
                + " Known callback kinds:");
  }

  @Test
  void aClassNameOfSomethingOtherThanAFactoryOfTheCategoryIsRejected() {
    ComponentBlock block =
        callback(
            "trainer.callbacks[0].kind=ai.noether.core.registry.TestPlugins$ScaledScheduleFactory");

    assertThat(error(() -> REGISTRY.resolve(ComponentCategory.CALLBACK, block)))
        .isEqualTo(
            "command-line argument 'trainer.callbacks[0].kind=ai.noether.core.registry.TestPlugins$ScaledScheduleFactory':"
                + " trainer.callbacks[0]: kind 'ai.noether.core.registry.TestPlugins$ScaledScheduleFactory' names a class"
                + " that is not a CallbackFactory; a kind given as a class name must name a factory class (implementing"
                + " ai.noether.api.spi.CallbackFactory), or use a registered kind; 'noether kinds' lists them");
  }

  @Test
  void bindingAppliesTheFactorysConfigTypeStrictly() {
    ComponentBlock block = callback("trainer.callbacks[0].keep_lst=2");

    assertThat(error(() -> REGISTRY.bind(ComponentCategory.CALLBACK, block)))
        .isEqualTo(
            "command-line argument 'trainer.callbacks[0].keep_lst=2': unknown key 'trainer.callbacks[0].keep_lst'. Did"
                + " you mean 'keep_last'? Valid keys of callback 'test-counting': kind, every_n_epochs, every_n_updates,"
                + " every_n_samples, every_n_minutes, keep_last");
  }

  @Test
  void aMissingRequiredValueNamesThePath() {
    RunConfig config = config(RUN.replace("factor: 0.5", "factr: 0.5"));

    assertThat(
            error(
                () ->
                    REGISTRY.create(
                        ComponentCategory.SCHEDULE,
                        config.optimizer().schedule(),
                        RunContext.forRun(config))))
        .startsWith(
            "run.yaml line 7: unknown key 'optimizer.schedule.factr'. Did you mean 'factor'?");
    RunConfig without = config(RUN.replace(", factor: 0.5", ""));
    assertThat(
            error(
                () ->
                    REGISTRY.create(
                        ComponentCategory.SCHEDULE,
                        without.optimizer().schedule(),
                        RunContext.forRun(without))))
        .isEqualTo(
            "run.yaml line 7: optimizer.schedule: missing required key 'factor' (a number) of schedule 'test-scaled'");
  }

  @Test
  void aFactoryRejectingItsConfigGivesAConfigErrorNamingTheBlock() {
    RunConfig config = config(RUN, "trainer.callbacks[1].kind=test-rejecting");

    assertThat(
            error(
                () ->
                    REGISTRY.create(
                        ComponentCategory.CALLBACK,
                        config.trainer().callbacks().get(1),
                        RunContext.forRun(config))))
        .isEqualTo(
            "run.yaml line 17: trainer.callbacks[1]: needs a validation split, but the dataset has none");
  }

  @Test
  void validatesEveryBlockOfARun() {
    REGISTRY.validate(config(RUN));

    assertThat(error(() -> REGISTRY.validate(config(RUN.replace("loss: mse", "los: mse")))))
        .startsWith(
            "run.yaml line 12: unknown key 'trainer.los'. Did you mean 'loss'? Valid keys of training step"
                + " 'test-step': kind, max_epochs,");
    assertThat(
            error(
                () ->
                    REGISTRY.validate(config(RUN.replace("hidden_sizes: [8]", "hidden_sizes: 8")))))
        .isEqualTo("run.yaml line 3: model.hidden_sizes: expected a list, got 8");
  }

  @Test
  void validationReportsEveryBlockThatDoesNotBindAtOnce() {
    String both =
        RUN.replace("loss: mse", "los: mse").replace("hidden_sizes: [8]", "hidden_sizes: 8");

    assertThat(error(() -> REGISTRY.validate(config(both))))
        .startsWith(
            "the configuration has 2 problems:\nrun.yaml line 3: model.hidden_sizes: expected a list, got 8\n"
                + "run.yaml line 12: unknown key 'trainer.los'. Did you mean 'loss'?");
  }

  @Test
  void aServicesFileNamingAMissingClassFailsNamingTheFileAndClass() throws Exception {
    Path services = dir.resolve("plugin/META-INF/services/ai.noether.api.spi.CallbackFactory");
    Files.createDirectories(services.getParent());
    Files.writeString(services, "com.example.MissingFactory\n");

    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {dir.resolve("plugin").toUri().toURL()}, getClass().getClassLoader())) {
      assertThatThrownBy(() -> ComponentRegistry.load(loader))
          .isInstanceOf(NoetherException.class)
          .hasMessageStartingWith(
              "META-INF/services/ai.noether.api.spi.CallbackFactory in "
                  + dir.resolve("plugin")
                  + " lists com.example.MissingFactory, but that class cannot be loaded"
                  + " (java.lang.ClassNotFoundException: com.example.MissingFactory); is a jar missing from the class path?");
    }
  }

  @Test
  void blocksBuiltInCodeResolveLikeConfiguredOnes() {
    ComponentBlock block =
        ComponentBlock.of("optimizer.schedule", "test-scaled", Map.of("factor", 2.0));

    assertThat(REGISTRY.bind(ComponentCategory.SCHEDULE, block))
        .isEqualTo(new TestPlugins.ScaledScheduleFactory.Config(2.0));
  }
}
