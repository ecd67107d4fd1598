/**
 * Real programs built with Parley. The example schemas live in {@code src/main/parley}.
 */
package dev.parley.examples;
