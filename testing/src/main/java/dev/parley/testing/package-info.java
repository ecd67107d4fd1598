/**
 * Support for property tests and fuzzing of Parley protocols: {@link dev.parley.testing.Arbitrary}
 * values that generated {@code <File>Generators} classes build on, the small
 * {@link dev.parley.testing.Property} runner for JUnit 5, and {@link dev.parley.testing.Corruption}
 * of valid frames. Depends on the runtime and the JDK only.
 */
package dev.parley.testing;
