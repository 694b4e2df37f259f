/** Optimizers with exportable state, and learning-rate schedules. */
package ai.noether.api.optim;
