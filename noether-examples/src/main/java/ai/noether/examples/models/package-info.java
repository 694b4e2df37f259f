/**
 * Model blocks of the examples: what a user writes for a model of their own ({@code kind: block}).
 */
package ai.noether.examples.models;
