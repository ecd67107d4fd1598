/**
 * Turns a linked {@code dev.parley.spec.Schema} into Java records and network-byte-order codecs. Filled by the code generation work.
 */
package dev.parley.codegen;
