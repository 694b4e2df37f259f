/**
 * The {@code cnn-lstm} model kind: 1-D convolutions, an LSTM and any number of named heads, with
 * the parameter paths of the equivalent PyTorch module, so state dicts move between the two.
 */
package ai.noether.djl.model.cnnlstm;
