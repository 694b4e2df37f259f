package ai.noether.core.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.NoetherException;
import ai.noether.api.callback.Callback;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.ModelWeightsReader;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.run.RunInfo;
import ai.noether.api.run.RunSeeds;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.inject.TestModule.Motto;
import ai.noether.core.inject.TestModule.StageLabel;
import ai.noether.core.inject.TestModule.StoreLabel;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.RunContext;
import ai.noether.core.resume.StoreModelWeightsReader;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.core.training.Seeds;
import ai.noether.inject.NoetherModule;
import com.google.inject.Binder;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guice for real: the modules a services file lists bind for factories (process injector) and for
 * components (each run's injector); components get the run's services, their block's config and
 * context through {@code @Inject} constructors; what a run does not have yet is an error naming it.
 */
class RunInjectionTest {
  static final ComponentRegistry REGISTRY = ComponentRegistry.load();
  private static final String FACTORY =
      RunInjectionTest.class.getName() + ".InjectingCallbackFactory";

  @TempDir Path dir;

  RunConfig config(String callback) {
    return new RunConfigLoader(dir, () -> "run-7")
        .parse(
            """
        seed: 11
        stage_name: warmup
        dataset: {kind: test-dataset, samples: 64}
        model: {name: net, kind: test-model, hidden_sizes: [8]}
        optimizer: {kind: test-optimizer, lr: 0.1}
        trainer:
          kind: test-step
          max_updates: 10
          batch_size: 4
          loss: mse
          callbacks:
            - %s
        """
                .formatted(callback),
            "run.yaml",
            List.of());
  }

  RunContext withStore(RunConfig config) {
    return RunContext.forRun(config)
        .put(CheckpointStore.class, FileCheckpointStore.builder().setOutputDir(dir).build());
  }

  @Test
  void aComponentGetsTheRunsServicesItsConfigAndItsContextThroughItsInjectConstructor() {
    RunConfig config = config("{kind: " + FACTORY + ", label: seen}");
    RunContext context = withStore(config);

    InjectedCallback callback =
        (InjectedCallback)
            REGISTRY.create(
                ComponentCategory.CALLBACK, config.trainer().callbacks().get(0), context);

    assertThat(callback.config).isEqualTo(new InjectingConfig("seen"));
    assertThat(callback.run).isEqualTo(config.runInfo());
    assertThat(callback.layout).isEqualTo(config.layout());
    assertThat(callback.seeds.runSeed()).isEqualTo(11);
    assertThat(callback.seeds.forUpdate(5))
        .as("the trainer's derivation")
        .isEqualTo(Seeds.forUpdate(11, 5));
    assertThat(callback.seeds.forInitialization(0)).isEqualTo(Seeds.forInitialization(11, 0));
    assertThat(callback.seeds.derive(1, 2))
        .isNotEqualTo(callback.seeds.derive(2, 1))
        .isNotEqualTo(callback.seeds.derive(1, 3));
    assertThat(callback.weights).isInstanceOf(StoreModelWeightsReader.class);
    assertThat(callback.context.path()).isEqualTo("trainer.callbacks[0]");
    assertThat(callback.motto)
        .as("bound by the module's configure, through the factory")
        .isEqualTo(new Motto("never lose progress"));
  }

  @Test
  void aModuleListedInAServicesFileBindsRunServicesOncePerRunAndMayDependOnServicesBuiltLater() {
    RunConfig config = config("{kind: " + FACTORY + ", label: x}");
    RunConfig counting = config("{kind: test-counting, every_n_updates: 5, keep_last: 3}");
    RunContext first = RunContext.forRun(config);
    RunContext second = withStore(config);
    RunContext withoutStore = RunContext.forRun(counting);
    REGISTRY.create(ComponentCategory.CALLBACK, counting.trainer().callbacks().get(0), first);
    first.put(CheckpointStore.class, FileCheckpointStore.builder().setOutputDir(dir).build());
    REGISTRY.create(
        ComponentCategory.CALLBACK, counting.trainer().callbacks().get(0), withoutStore);

    InjectedCallback a =
        (InjectedCallback)
            REGISTRY.create(ComponentCategory.CALLBACK, config.trainer().callbacks().get(0), first);
    InjectedCallback b =
        (InjectedCallback)
            REGISTRY.create(
                ComponentCategory.CALLBACK, config.trainer().callbacks().get(0), first.at("x"));
    InjectedCallback other =
        (InjectedCallback)
            REGISTRY.create(
                ComponentCategory.CALLBACK, config.trainer().callbacks().get(0), second);

    assertThat(a.label.text()).startsWith("run-7/warmup #");
    assertThat(b.label).as("a singleton of the run injector").isSameAs(a.label);
    assertThat(first.inject(LabelOnly.class).label).isSameAs(a.label);
    assertThat(other.label).as("another run, another injector").isNotSameAs(a.label);
    assertThat(a.store)
        .as("the store was put after the run injector was created")
        .isEqualTo(new StoreLabel("FileCheckpointStore"));
    assertThat(first.find(StoreLabel.class)).contains(new StoreLabel("FileCheckpointStore"));
    assertThat(withoutStore.find(StoreLabel.class)).as("no store in that run (yet)").isEmpty();
  }

  @Test
  void aServiceTheRunHasNotBuiltYetIsAnErrorNamingTheBlockTheClassAndWhatTheRunHas() {
    RunConfig config = config("{kind: " + FACTORY + ", label: x}");

    assertThatThrownBy(
            () ->
                REGISTRY.create(
                    ComponentCategory.CALLBACK,
                    config.trainer().callbacks().get(0),
                    RunContext.forRun(config)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "trainer.callbacks[0]: cannot create "
                + InjectedCallback.class.getName()
                + ": this run has no "
                + CheckpointStore.class.getName()
                + " (yet); it has RunInfo, RunConfig");
  }

  @Test
  void aDependencyNobodyBindsIsAnErrorSayingWhatAConstructorMayAskFor() {
    RunContext context =
        RunContext.forRun(config("{kind: " + FACTORY + ", label: x}")).at("model.initializers[0]");

    assertThatThrownBy(() -> context.inject(NeedsSomethingUnbound.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "model.initializers[0]: cannot create " + NeedsSomethingUnbound.class.getName())
        .hasMessageContaining(Runnable.class.getName())
        .hasMessageContaining(
            "Its @Inject constructor may take the block's config, ComponentContext, the run's services"
                + " built so far (RunInfo, RunConfig)");
  }

  @Test
  void anIllegalArgumentFromAnInjectedConstructorIsAConfigurationErrorNamingTheBlock() {
    RunConfig config = config("{kind: " + FACTORY + ", label: ''}");

    assertThatThrownBy(
            () ->
                REGISTRY.create(
                    ComponentCategory.CALLBACK,
                    config.trainer().callbacks().get(0),
                    withStore(config)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("trainer.callbacks[0]")
        .hasMessageContaining("label must not be empty");
  }

  @Test
  void aFactoryWithAPublicNoArgumentConstructorAndNoInjectionKeepsWorking() {
    RunConfig config = config("{kind: test-counting, every_n_updates: 5, keep_last: 3}");

    Callback callback =
        REGISTRY.create(
            ComponentCategory.CALLBACK,
            config.trainer().callbacks().get(0),
            RunContext.forRun(config));

    assertThat(callback).isNotNull();
  }

  @Test
  void aListedModuleThatCannotBeCreatedFailsNamingItsClassAndServicesFile() throws Exception {
    Path services = dir.resolve("plugin/META-INF/services/" + NoetherModule.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, ModuleWithoutDefaultConstructor.class.getName() + "\n");

    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {dir.resolve("plugin").toUri().toURL()}, getClass().getClassLoader())) {
      assertThatThrownBy(() -> ComponentRegistry.load(loader))
          .isInstanceOf(NoetherException.class)
          .hasMessageStartingWith(
              "cannot create the Guice module "
                  + ModuleWithoutDefaultConstructor.class.getName()
                  + " listed in "
                  + services.toUri().toURL())
          .hasMessageEndingWith("a NoetherModule needs a public no-argument constructor");
    }
  }

  @Test
  void modulesWhoseBindingsClashFailNamingTheBindingAndEveryListedModule() throws Exception {
    Path services = dir.resolve("plugin/META-INF/services/" + NoetherModule.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, SecondMottoModule.class.getName() + "\n");

    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {dir.resolve("plugin").toUri().toURL()}, getClass().getClassLoader())) {
      assertThatThrownBy(() -> ComponentRegistry.load(loader))
          .isInstanceOf(NoetherException.class)
          .hasMessageStartingWith("the Guice modules of the class path do not fit together: ")
          .hasMessageContaining("Motto")
          .hasMessageContaining(TestModule.class.getName() + " (")
          .hasMessageContaining(SecondMottoModule.class.getName() + " (");
    }
  }

  /** Binds what {@link TestModule} binds already. */
  public static final class SecondMottoModule implements NoetherModule {
    @Override
    public void configure(Binder binder) {
      binder.bind(Motto.class).toInstance(new Motto("a second one"));
    }
  }

  /** A module Guice's ServiceLoader-style discovery cannot create. */
  public static final class ModuleWithoutDefaultConstructor implements NoetherModule {
    public ModuleWithoutDefaultConstructor(String required) {}

    @Override
    public void configure(Binder binder) {}
  }

  /** Config of {@link InjectingCallbackFactory}. */
  public record InjectingConfig(String label) {}

  /** Has its factory injected by the process injector, and its callback by the run's. */
  public static final class InjectingCallbackFactory implements CallbackFactory<InjectingConfig> {
    final Motto motto;

    @Inject
    public InjectingCallbackFactory(Motto motto) {
      this.motto = motto;
    }

    @Override
    public String kind() {
      return "test-injecting";
    }

    @Override
    public Class<InjectingConfig> configType() {
      return InjectingConfig.class;
    }

    @Override
    public Callback create(InjectingConfig config, ComponentContext context) {
      InjectedCallback callback = context.inject(InjectedCallback.class);
      callback.motto = motto;
      return callback;
    }
  }

  /** Everything a plugin component may ask for. */
  public static final class InjectedCallback implements Callback {
    final InjectingConfig config;
    final RunInfo run;
    final RunLayout layout;
    final RunSeeds seeds;
    final ModelWeightsReader weights;
    final ComponentContext context;
    final StageLabel label;
    final StoreLabel store;
    Motto motto;

    @Inject
    public InjectedCallback(
        InjectingConfig config,
        RunInfo run,
        RunLayout layout,
        RunSeeds seeds,
        ModelWeightsReader weights,
        ComponentContext context,
        StageLabel label,
        StoreLabel store) {
      if (config.label().isEmpty()) {
        throw new IllegalArgumentException("label must not be empty");
      }
      this.config = config;
      this.run = run;
      this.layout = layout;
      this.seeds = seeds;
      this.weights = weights;
      this.context = context;
      this.label = label;
      this.store = store;
    }
  }

  /** Asks for the run's label only. */
  public static final class LabelOnly {
    final StageLabel label;

    @Inject
    public LabelOnly(StageLabel label) {
      this.label = label;
    }
  }

  /** Asks for something no module binds. */
  public static final class NeedsSomethingUnbound {
    @Inject
    public NeedsSomethingUnbound(Runnable nobodyBindsThis) {}
  }
}
