/**
 * Property and fuzz support for users' tests of Parley protocols. Filled by the fuzzing work.
 */
package dev.parley.testing;
