package ai.noether.api.data;

/**
 * A finite, indexable set of samples. The trainer only needs its size: it decides the order of
 * samples itself (from the seed and the epoch), so that data order is reproducible after a resume.
 * Engines define the subtypes that actually hold the samples.
 */
public interface Dataset {

  /** Number of samples; constant for the dataset's lifetime. */
  long size();
}
