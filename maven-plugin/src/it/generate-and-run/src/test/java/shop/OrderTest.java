package shop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import shop.v1.Order;
import shop.v1.ShopProtocol;
import shop.v1.Side;

class OrderTest {
  @Test
  void generatedClassesRoundTrip() throws Exception {
    Order order = new Order(7L, "AAPL", Side.BUY, Optional.of(100L));
    ByteBuffer buffer = ByteBuffer.allocate(ShopProtocol.INSTANCE.encodedSize(order));
    ShopProtocol.INSTANCE.encode(order, buffer);
    assertEquals(order, ShopProtocol.INSTANCE.decode(buffer.flip()));
  }
}
