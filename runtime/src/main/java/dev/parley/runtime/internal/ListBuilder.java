package dev.parley.runtime.internal;

import java.util.List;

/**
 * Not API: fills the list that a generated decoder hands to a record, so that the record can take
 * it without a copy. The array it fills never leaves the builder except inside the one list that
 * {@link #build} returns, and once it has, the builder refuses to add: nobody can change a list a
 * builder built. A builder is confined to the decoding that made it: it is not safe to share
 * between threads, and generated code never does.
 *
 * <p>Each element must be non-null; an element that is a list is copied unless a builder or
 * {@link Wire#checkList} built it, so a list of lists is immutable all the way down.
 */
public final class ListBuilder<E> {

  private static final Object[] NONE = new Object[0];

  private Object[] elements;
  private int size;
  /** Whether the builder grows as elements come, for a list whose count is known only at its end. */
  private final boolean growing;

  /**
   * A builder of a list of exactly {@code count} elements.
   *
   * @throws IllegalArgumentException if {@code count} is negative
   */
  public ListBuilder(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("negative count " + count);
    }
    this.elements = count == 0 ? NONE : new Object[count];
    this.growing = false;
  }

  private ListBuilder() {
    this.elements = new Object[4];
    this.growing = true;
  }

  /**
   * A builder of a list whose end the decoder finds as it reads: a sentinel, or the end of the
   * frame. Its array doubles as elements come, so it never holds more than twice what was added,
   * and every element took at least one byte of the frame.
   */
  public static <E> ListBuilder<E> growing() {
    return new ListBuilder<>();
  }

  /**
   * Adds the next element.
   *
   * @throws NullPointerException if {@code element} is null
   * @throws IllegalStateException if the list is full or built
   */
  public void add(E element) {
    Object[] array = checkedArray();
    if (size == array.length) {
      if (!growing) {
        throw new IllegalStateException("the list already has its " + array.length + " elements");
      }
      array = java.util.Arrays.copyOf(array, array.length * 2);
      elements = array;
    }
    array[size] = ImmutableArrayList.immutableElement(element, size);
    size++;
  }

  /**
   * The list of the elements added, once there are as many as the count; afterwards the builder
   * refuses everything.
   *
   * @throws IllegalStateException if fewer elements were added than the count, or if the list was
   *     built already
   */
  public List<E> build() {
    Object[] array = checkedArray();
    if (growing) {
      array = size == 0 ? NONE : java.util.Arrays.copyOf(array, size);
    } else if (size != array.length) {
      throw new IllegalStateException("only " + size + " of " + array.length + " elements added");
    }
    elements = null;
    return ImmutableArrayList.owning(array);
  }

  private Object[] checkedArray() {
    Object[] array = elements;
    if (array == null) {
      throw new IllegalStateException("the list is built");
    }
    return array;
  }
}
