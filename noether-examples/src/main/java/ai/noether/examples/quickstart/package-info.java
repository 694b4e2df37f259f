/**
 * The quickstart example: a regression problem generated from a fixed seed (no download), used by
 * {@code configs/quickstart.yaml}. Its dataset also shows how data-normalisation parameters travel
 * with the model: the feature means and standard deviations are saved in every model file.
 */
package ai.noether.examples.quickstart;
