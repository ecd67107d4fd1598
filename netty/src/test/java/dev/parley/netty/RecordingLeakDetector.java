package dev.parley.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Netty's leak detector, at the paranoid level the module's tests run it (every buffer tracked),
 * made to fail the tests: installed by {@code -Dio.netty.customResourceLeakDetector} (see the
 * pom), it keeps every leak it reports, and, as a JUnit extension, fails a test class after which
 * a buffer was collected unreleased. A leak is found when the collector has cleared the buffer, so
 * the check collects first; one found later fails the class that comes after.
 *
 * @param <T> the resources tracked
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

  private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
    super(resourceType, samplingInterval);
  }

  @Override
  protected boolean needReport() {
    return true;
  }

  @Override
  protected void reportTracedLeak(String resourceType, String records) {
    LEAKS.add(resourceType + " leaked:" + records);
    super.reportTracedLeak(resourceType, records);
  }

  @Override
  protected void reportUntracedLeak(String resourceType) {
    LEAKS.add(resourceType + " leaked");
    super.reportUntracedLeak(resourceType);
  }

  /** The JUnit side: {@code @ExtendWith(RecordingLeakDetector.Check.class)}. */
  public static final class Check implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) {
      // Leaks are reported when a buffer is tracked after the leaked one was collected: collect,
      // then track a few, a bounded number of times.
      for (int round = 0; round < 3; round++) {
        System.gc();
        for (int i = 0; i < 16; i++) {
          ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(1);
          probe.release();
        }
      }
      List<String> leaks = new ArrayList<>(LEAKS);
      LEAKS.clear();
      if (!leaks.isEmpty()) {
        throw new AssertionError(leaks.size() + " buffers leaked by or before " + context.getDisplayName() + ":\n"
            + String.join("\n", leaks));
      }
    }
  }
}
