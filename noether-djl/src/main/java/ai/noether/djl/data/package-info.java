/**
 * DJL's datasets as Noether datasets with named fields: {@link ai.noether.djl.data.DjlFieldDataset}
 * wraps any {@link ai.djl.training.dataset.RandomAccessDataset}, and {@link
 * ai.noether.djl.data.DjlDataSource} makes the splits of a user's dataset factory from them.
 */
package ai.noether.djl.data;
