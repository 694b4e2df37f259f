package ai.noether.core.training;

import ai.noether.api.run.RunSeeds;

/** The {@link RunSeeds} of a run: {@link Seeds}' derivations with the run seed filled in. */
public record DerivedRunSeeds(long runSeed) implements RunSeeds {
  /** Keeps a plugin's streams apart from the framework's, whatever numbers it picks. */
  private static final long PLUGIN_STREAMS = 0x9106_5eedL;

  @Override
  public long forUpdate(long update) {
    return Seeds.forUpdate(runSeed, update);
  }

  @Override
  public long forInitialization(int modelIndex) {
    return Seeds.forInitialization(runSeed, modelIndex);
  }

  @Override
  public long derive(long stream, long index) {
    return Seeds.mix(runSeed, Seeds.mix(PLUGIN_STREAMS, stream, 0), index);
  }
}
