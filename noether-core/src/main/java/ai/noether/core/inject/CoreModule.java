package ai.noether.core.inject;

import ai.noether.api.checkpoint.ModelWeightsReader;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.TensorFileReader;
import ai.noether.api.run.RunInfo;
import ai.noether.api.run.RunSeeds;
import ai.noether.core.config.RunConfig;
import ai.noether.core.format.LocalTensorFileReader;
import ai.noether.core.resume.StoreModelWeightsReader;
import ai.noether.core.training.DerivedRunSeeds;
import ai.noether.inject.NoetherModule;
import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Module;
import com.google.inject.Provides;

/**
 * The services {@code noether-core} gives every run, bound to their {@code noether-api} interfaces so
 * that plugins inject them without seeing core: {@link RunSeeds}, {@link RunLayout},
 * {@link ModelWeightsReader} and {@link TensorFileReader}. Listed in core's {@code META-INF/services/ai.noether.inject.NoetherModule},
 * found like any plugin's module.
 */
public final class CoreModule implements NoetherModule {

  @Override
  public void configure(Binder binder) {
    // Core binds nothing process-wide: its services depend on the run.
  }

  @Override
  public Module runModule() {
    return new AbstractModule() {
      @Override
      protected void configure() {
        bind(ModelWeightsReader.class).to(StoreModelWeightsReader.class);
        bind(TensorFileReader.class).to(LocalTensorFileReader.class);
      }

      @Provides
      RunSeeds seeds(RunInfo run) {
        return new DerivedRunSeeds(run.seed());
      }

      @Provides
      RunLayout layout(RunConfig config) {
        return config.layout();
      }
    };
  }
}
