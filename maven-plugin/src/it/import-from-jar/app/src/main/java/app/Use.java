package app;

import billing.v1.Invoice;
import common.v1.Money;

/** Compiles only if the imported struct's class comes from the protocol jar. */
public final class Use {
  private Use() {}

  public static Invoice invoice() {
    return new Invoice(1L, new Money(250, "EUR"));
  }
}
