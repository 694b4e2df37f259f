package ai.noether.core.inject;

import ai.noether.api.checkpoint.ModelWeightsReader;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.RunListing;
import ai.noether.api.checkpoint.TensorFileReader;
import ai.noether.api.logger.HistoryPlotter;
import ai.noether.api.logger.HistoryReader;
import ai.noether.api.logger.Terminal;
import ai.noether.api.run.RunInfo;
import ai.noether.api.run.RunSeeds;
import ai.noether.api.spi.ConfigBinding;
import ai.noether.api.spi.FrameworkServices;
import ai.noether.core.cli.ProcessTerminal;
import ai.noether.core.config.RunConfig;
import ai.noether.core.format.LocalTensorFileReader;
import ai.noether.core.history.JsonlHistoryReader;
import ai.noether.core.history.PngHistoryPlotter;
import ai.noether.core.layout.LocalRunListing;
import ai.noether.core.resume.StoreModelWeightsReader;
import ai.noether.core.training.DerivedRunSeeds;
import ai.noether.inject.NoetherModule;
import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Scopes;

/**
 * The services {@code noether-core} gives plugins, bound to their {@code noether-api} interfaces so
 * that plugins inject them without seeing core: in the process injector (one instance each) {@link
 * ConfigBinding} (the instance {@link FrameworkServices} serves to code outside injection), {@link
 * HistoryReader}, {@link HistoryPlotter}, {@link Terminal} and {@link RunListing}; and for every
 * run {@link RunSeeds}, {@link RunLayout}, {@link ModelWeightsReader} and {@link TensorFileReader}.
 * Listed in core's {@code META-INF/services/ai.noether.inject.NoetherModule}, found like any
 * plugin's module.
 */
public final class CoreModule implements NoetherModule {

  @Override
  public void configure(Binder binder) {
    // The same instance as engine code's outside injection (a model's static builder).
    binder.bind(ConfigBinding.class).toInstance(FrameworkServices.get(ConfigBinding.class));
    binder.bind(HistoryReader.class).to(JsonlHistoryReader.class).in(Scopes.SINGLETON);
    binder.bind(HistoryPlotter.class).to(PngHistoryPlotter.class).in(Scopes.SINGLETON);
    binder.bind(Terminal.class).to(ProcessTerminal.class).in(Scopes.SINGLETON);
    binder.bind(RunListing.class).to(LocalRunListing.class).in(Scopes.SINGLETON);
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
