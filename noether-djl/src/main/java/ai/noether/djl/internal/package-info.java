/**
 * Helpers shared by the packages of this module that reach below DJL's engine-neutral API into the
 * PyTorch engine (autograd mode, gradient handles). Not part of the public API; may change.
 */
package ai.noether.djl.internal;
