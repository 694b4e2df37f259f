/** Datasets as the trainer sees them: sizes and splits; engines hold the samples. */
package ai.noether.api.data;
