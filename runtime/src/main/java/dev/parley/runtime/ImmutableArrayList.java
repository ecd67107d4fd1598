package dev.parley.runtime;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An unmodifiable list over an array that nobody else holds: what generated decoders build, so
 * that a record's defensive copy can recognise it and skip copying again.
 */
final class ImmutableArrayList<E> extends AbstractList<E> implements RandomAccess {

  private final Object[] elements;

  ImmutableArrayList(Object[] elements) {
    this.elements = elements;
  }

  @Override
  @SuppressWarnings("unchecked")
  public E get(int index) {
    return (E) elements[index];
  }

  @Override
  public int size() {
    return elements.length;
  }
}
