package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import dev.parley.spec.EnumType;
import dev.parley.spec.Field;
import dev.parley.spec.FieldType;
import dev.parley.spec.FlagsType;
import dev.parley.spec.ListType;
import dev.parley.spec.StructType;
import dev.parley.spec.Value;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Values of the records that two versions of one schema generate, compared across the versions.
 * The versions live in different Java packages, so nothing of theirs is {@code equals}: records
 * are compared component by component by name, enum constants and flag bits by name, lists and
 * optionals element by element; numbers, strings and {@link Bytes} (runtime classes both versions
 * share) by {@code equals}.
 */
final class CrossVersionValues {

  private CrossVersionValues() {}

  /** Each record class's accessors by component name, looked up once. */
  private static final ClassValue<Map<String, Method>> ACCESSORS = new ClassValue<>() {
    @Override
    protected Map<String, Method> computeValue(Class<?> type) {
      Map<String, Method> accessors = new LinkedHashMap<>();
      for (RecordComponent c : type.getRecordComponents()) {
        accessors.put(c.getName(), c.getAccessor());
      }
      return accessors;
    }
  };

  /** The value of the record component whose accessor is {@code javaName}. */
  static Object component(Object record, String javaName) {
    // A field retyped from a struct holds a value of another type: a mismatch, not a crash.
    assertInstanceOf(Record.class, record, javaName);
    Method accessor = ACCESSORS.get(record.getClass()).get(javaName);
    if (accessor == null) {
      throw new AssertionError(record.getClass().getName() + " has no component " + javaName);
    }
    try {
      return accessor.invoke(record);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The value of {@code field} in {@code record}, a record generated for its struct or message. */
  static Object component(Object record, Field field) {
    return component(record, RecordGenerator.javaName(field));
  }

  /** {@code actual}, of one version, means what {@code expected}, of the other, means. */
  static void assertSameValue(Object expected, Object actual, String path) {
    if (expected instanceof Record record) {
      assertInstanceOf(Record.class, actual, path);
      assertEquals(record.getClass().getSimpleName(), actual.getClass().getSimpleName(), path);
      Set<String> names = ACCESSORS.get(record.getClass()).keySet();
      assertEquals(List.copyOf(names), List.copyOf(ACCESSORS.get(actual.getClass()).keySet()), path);
      for (String name : names) {
        assertSameValue(component(record, name), component(actual, name), path + "." + name);
      }
    } else if (expected instanceof Enum<?> constant) {
      Enum<?> other = assertInstanceOf(Enum.class, actual, path);
      assertEquals(constant.getDeclaringClass().getSimpleName(), other.getDeclaringClass().getSimpleName(), path);
      assertEquals(constant.name(), other.name(), path);
    } else if (expected instanceof Set<?> flags) {
      assertEquals(names(flags), names(assertInstanceOf(Set.class, actual, path)), path);
    } else if (expected instanceof Optional<?> optional) {
      Optional<?> other = assertInstanceOf(Optional.class, actual, path);
      assertEquals(optional.isPresent(), other.isPresent(), () -> path + ": " + optional + " but " + other);
      optional.ifPresent(value -> assertSameValue(value, other.orElseThrow(), path));
    } else if (expected instanceof List<?> list) {
      List<?> other = assertInstanceOf(List.class, actual, path);
      assertEquals(list.size(), other.size(), path + " size");
      for (int i = 0; i < list.size(); i++) {
        assertSameValue(list.get(i), other.get(i), path + "[" + i + "]");
      }
    } else {
      // A primitive's box, a String or Bytes: the same Java type in every version. Boxed floats
      // compare their bits, so NaN equals NaN.
      assertEquals(expected, actual, path);
    }
  }

  /** {@code actual} is what a reader gives {@code field} when the writer did not send it (SPEC.md 8.11). */
  static void assertDefault(Field field, Object actual, String path) {
    if (field.optional()) {
      assertEquals(Optional.empty(), actual, path);
      return;
    }
    Value value = field.defaultValue().orElseThrow(() -> new AssertionError(path + ": a @since field without default"));
    if (value instanceof Value.IntegerValue i) {
      // An f32 or f64 default may be written as an integer: it is the nearest float or double.
      if (actual instanceof Float) {
        assertEquals(i.value().floatValue(), actual, path);
      } else if (actual instanceof Double) {
        assertEquals(i.value().doubleValue(), actual, path);
      } else {
        // A u64 holds the unsigned value's bits, which longValue() gives.
        assertEquals(i.value().longValue(), assertInstanceOf(Number.class, actual, path).longValue(), path);
      }
    } else if (value instanceof Value.FloatValue f) {
      if (actual instanceof Float) {
        assertEquals((float) f.value(), actual, path);
      } else {
        assertEquals(f.value(), actual, path);
      }
    } else if (value instanceof Value.BoolValue b) {
      assertEquals(b.value(), actual, path);
    } else if (value instanceof Value.StringValue s) {
      assertEquals(s.value(), actual, path);
    } else if (value instanceof Value.EnumValue e) {
      assertEquals(e.constant().name(), assertInstanceOf(Enum.class, actual, path).name(), path);
    } else if (value instanceof Value.FlagsValue f) {
      assertEquals(f.bits().stream().map(b -> b.name()).collect(Collectors.toCollection(TreeSet::new)),
          names(assertInstanceOf(Set.class, actual, path)), path);
    } else {
      assertTrue(actual instanceof Bytes b ? b.isEmpty() : assertInstanceOf(List.class, actual, path).isEmpty(),
          () -> path + ": " + actual);
    }
  }

  /**
   * Whether a reader that declares {@code field} as it is can decode {@code value}, a value of the
   * field in another version of the record: every enum constant and flag bit in it, at any depth,
   * is one the reader's types have (SPEC.md 8.6, 8.7).
   */
  static boolean isReadable(Field field, Object value) {
    if (field.optional()) {
      Optional<?> optional = assertInstanceOf(Optional.class, value, field.name());
      return optional.isEmpty() || isReadable(field.type(), optional.get());
    }
    return isReadable(field.type(), value);
  }

  // The value may be of another Java type than the reader's (a field that was retyped): that fails.
  private static boolean isReadable(FieldType type, Object value) {
    if (type instanceof EnumType e) {
      return e.constant(assertInstanceOf(Enum.class, value).name()).isPresent();
    } else if (type instanceof FlagsType f) {
      return names(assertInstanceOf(Set.class, value)).stream().allMatch(bit -> f.bit(bit).isPresent());
    } else if (type instanceof StructType s) {
      return s.fields().stream().allMatch(field -> isReadable(field, component(value, field)));
    } else if (type instanceof ListType l) {
      List<?> list = assertInstanceOf(List.class, value);
      return list.stream().allMatch(element -> isReadable(l.element(), element));
    }
    return true;
  }

  private static Set<String> names(Set<?> flags) {
    return flags.stream().map(bit -> ((Enum<?>) bit).name()).collect(Collectors.toCollection(TreeSet::new));
  }
}
