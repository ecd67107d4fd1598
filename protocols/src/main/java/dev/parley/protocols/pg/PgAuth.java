package dev.parley.protocols.pg;

import java.util.Objects;
import java.util.Optional;

/**
 * How {@link PgServer} authenticates a client: trust (anyone, any user), or one password for
 * every user, asked for with MD5 or SCRAM-SHA-256, as pg_hba.conf's methods of those names.
 *
 * @param method how the password is asked for
 * @param password the password; empty for trust
 */
public record PgAuth(Method method, Optional<String> password) {

  /** pg_hba.conf's methods pg-server speaks. */
  public enum Method {
    TRUST,
    MD5,
    SCRAM_SHA_256
  }

  public PgAuth {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(password, "password");
    if ((method == Method.TRUST) != password.isEmpty()) {
      throw new IllegalArgumentException(method == Method.TRUST ? "trust takes no password"
          : method + " needs a password");
    }
    if (password.isPresent() && password.get().isEmpty()) {
      throw new IllegalArgumentException("the password is empty: PostgreSQL refuses empty passwords");
    }
  }

  /** Anyone may connect as any user. */
  public static PgAuth trust() {
    return new PgAuth(Method.TRUST, Optional.empty());
  }

  /** {@code password} for every user, asked for with MD5 (AuthenticationMD5Password). */
  public static PgAuth md5(String password) {
    return new PgAuth(Method.MD5, Optional.of(password));
  }

  /** {@code password} for every user, proven with SCRAM-SHA-256 (AuthenticationSASL). */
  public static PgAuth scramSha256(String password) {
    return new PgAuth(Method.SCRAM_SHA_256, Optional.of(password));
  }
}
