package dev.parley.protocols.pg;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * PostgreSQL's MD5 password answer: {@code "md5" + md5hex(md5hex(password + user) + salt)}, the
 * inner hash being what the server keeps. Weak (MD5, and the hash is as good as the password to
 * whoever steals it); PostgreSQL prefers SCRAM-SHA-256 since version 14.
 */
final class Md5Password {

  private Md5Password() {}

  /** What the client sends for {@code user} and {@code password} when the server asks with {@code salt}. */
  static String answer(String user, String password, byte[] salt) {
    byte[] inner = hex(md5(bytes(password + user))).getBytes(StandardCharsets.US_ASCII);
    byte[] salted = new byte[inner.length + salt.length];
    System.arraycopy(inner, 0, salted, 0, inner.length);
    System.arraycopy(salt, 0, salted, inner.length, salt.length);
    return "md5" + hex(md5(salted));
  }

  private static byte[] md5(byte[] data) {
    try {
      return MessageDigest.getInstance("MD5").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
