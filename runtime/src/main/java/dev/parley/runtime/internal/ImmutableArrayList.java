package dev.parley.runtime.internal;

import java.util.AbstractList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.RandomAccess;

/**
 * An unmodifiable list over an array that nobody else holds, so that a record can take it without
 * another copy. Its invariants, which {@link ListBuilder} and {@link Wire#checkList} keep: no
 * element is null, and every element that is a list is itself an {@code ImmutableArrayList}, so
 * that a list of lists is immutable all the way down.
 */
final class ImmutableArrayList<E> extends AbstractList<E> implements RandomAccess {

  static final ImmutableArrayList<Object> EMPTY = new ImmutableArrayList<>(new Object[0]);

  private final Object[] elements;

  /** Takes {@code elements}, which the caller created, filled and now forgets. */
  private ImmutableArrayList(Object[] elements) {
    this.elements = elements;
  }

  /** Wraps an array that only the caller, a class of this package, ever held. */
  @SuppressWarnings("unchecked")
  static <E> List<E> owning(Object[] elements) {
    return elements.length == 0 ? (List<E>) EMPTY : new ImmutableArrayList<>(elements);
  }

  /**
   * A copy of {@code list} that keeps the invariants: the copy is a new array filled here, never an
   * array that {@code list} hands out, and each element that is a list is copied the same way
   * (one that is already an {@code ImmutableArrayList} is taken as it is).
   *
   * @throws NullPointerException at a null element, with its index path as message: {@code [2]},
   *     or {@code [2][0]} inside an element list; the caller puts the field's name in front
   */
  static <E> List<E> deepCopy(List<?> list) {
    int size = list.size();
    Object[] copy = new Object[size];
    int i = 0;
    for (Object element : list) {
      if (i == size) {
        throw new ConcurrentModificationException();
      }
      copy[i] = immutableElement(element, i);
      i++;
    }
    if (i != size) {
      throw new ConcurrentModificationException();
    }
    return owning(copy);
  }

  /** {@code element} as an element of an {@code ImmutableArrayList} may be; see {@link #deepCopy}. */
  static Object immutableElement(Object element, int index) {
    if (element == null) {
      throw new NullPointerException("[" + index + "]");
    }
    if (element instanceof List<?> list && !(list instanceof ImmutableArrayList<?>)) {
      try {
        return deepCopy(list);
      } catch (NullPointerException e) {
        throw new NullPointerException("[" + index + "]" + e.getMessage());
      }
    }
    return element;
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
