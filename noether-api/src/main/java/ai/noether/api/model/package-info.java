/** The engine-neutral {@link ai.noether.api.model.Model} and the report of loading a state dict. */
package ai.noether.api.model;
