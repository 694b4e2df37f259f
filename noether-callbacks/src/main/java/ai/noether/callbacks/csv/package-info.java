/**
 * The {@code csv} experiment logger: a stage's metrics as a CSV file that pandas and spreadsheets
 * read, cut back on resume like {@code history.jsonl}.
 */
package ai.noether.callbacks.csv;
