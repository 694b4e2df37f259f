/** The engine-side training step that a trainer drives. */
package ai.noether.api.train;
