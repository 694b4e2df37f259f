package ai.noether.core.inject;

import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.run.RunInfo;
import ai.noether.inject.NoetherModule;
import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;

/**
 * A plugin jar's Guice module, listed in the tests' {@code
 * META-INF/services/ai.noether.inject.NoetherModule}: a process-wide {@link Motto} and two run
 * services, one from the run's facts and one from its store, which a run builds after the run
 * injector exists. It binds types of its own only, so that it changes nothing for the other tests
 * (and for modules that use core's test jar).
 */
public final class TestModule implements NoetherModule {

  /** A process-wide service. */
  public record Motto(String text) {}

  /** A run service made from the run's facts, once per run. */
  public record StageLabel(String text) {}

  /** A run service made from the run's checkpoint store. */
  public record StoreLabel(String text) {}

  @Override
  public void configure(Binder binder) {
    binder.bind(Motto.class).toInstance(new Motto("never lose progress"));
  }

  @Override
  public Module runModule() {
    return new AbstractModule() {
      @Provides
      @Singleton
      StageLabel stageLabel(RunInfo run) {
        return new StageLabel(
            run.stage().runId()
                + "/"
                + run.stage().stageName()
                + " #"
                + System.identityHashCode(new Object()));
      }

      @Provides
      StoreLabel storeLabel(CheckpointStore store) {
        return new StoreLabel(store.getClass().getSimpleName());
      }
    };
  }
}
