/** The {@link ai.noether.api.state.Stateful} contract: state out, state in, as plain values. */
package ai.noether.api.state;
