package dev.parley.protocols.pg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM-SHA-256 (RFC 5802 with RFC 7677's hash) as PostgreSQL speaks it, both sides, with the
 * JDK's HMAC: no channel binding (the {@code n,,} header; PostgreSQL offers {@code -PLUS} only
 * over TLS), and an empty user name in the client's first message, since the server takes the
 * user from the startup message. Passwords are used as their UTF-8 bytes without SASLprep, which
 * is exact for ASCII passwords.
 */
final class Scram {

  static final String MECHANISM = "SCRAM-SHA-256";

  /** PostgreSQL's default iteration count (scram_iterations). */
  static final int ITERATIONS = 4096;

  private static final String GS2_HEADER = "n,,";
  private static final String CHANNEL_BINDING = Base64.getEncoder().encodeToString(bytes(GS2_HEADER));
  private static final SecureRandom RANDOM = new SecureRandom();

  private Scram() {}

  /** The client's side of one exchange: its first message, its proof, and the server's signature to check. */
  static final class Client {
    private final String password;
    private final String nonce = nonce();
    private final String firstBare = "n=,r=" + nonce;
    private byte[] serverSignature;

    Client(String password) {
      this.password = password;
    }

    /** The client-first-message. */
    byte[] first() {
      return bytes(GS2_HEADER + firstBare);
    }

    /** The client-final-message, with the proof, for the server-first-message {@code serverFirst}. */
    byte[] last(byte[] serverFirst) throws IOException {
      String server = text(serverFirst);
      Map<Character, String> attributes = attributes(server);
      String combined = attributes.get('r');
      String salt = attributes.get('s');
      String iterations = attributes.get('i');
      if (combined == null || salt == null || iterations == null || !combined.startsWith(nonce)
          || combined.length() == nonce.length()) {
        throw new IOException("SCRAM: the server's first message is malformed: " + server);
      }
      int count;
      byte[] saltBytes;
      try {
        count = Integer.parseInt(iterations);
        saltBytes = Base64.getDecoder().decode(salt);
      } catch (IllegalArgumentException e) {
        throw new IOException("SCRAM: the server's first message is malformed: " + server, e);
      }
      if (count < 1) {
        throw new IOException("SCRAM: the server asks for " + count + " iterations");
      }
      byte[] salted = hi(bytes(password), saltBytes, count);
      String finalWithoutProof = "c=" + CHANNEL_BINDING + ",r=" + combined;
      byte[] authMessage = bytes(firstBare + "," + server + "," + finalWithoutProof);
      byte[] clientKey = hmac(salted, bytes("Client Key"));
      byte[] proof = xor(clientKey, hmac(sha256(clientKey), authMessage));
      serverSignature = hmac(hmac(salted, bytes("Server Key")), authMessage);
      return bytes(finalWithoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
    }

    /** Checks the server-final-message: the server knew the password too. */
    void verify(byte[] serverFinal) throws IOException {
      String server = text(serverFinal);
      Map<Character, String> attributes = attributes(server);
      if (attributes.containsKey('e')) {
        throw new IOException("SCRAM: the server refused: " + attributes.get('e'));
      }
      String signature = attributes.get('v');
      if (serverSignature == null || signature == null
          || !MessageDigest.isEqual(serverSignature, decode(signature))) {
        throw new IOException("SCRAM: the server's signature does not match: it does not know the password");
      }
    }
  }

  /**
   * What a server keeps of a password, as PostgreSQL's pg_authid does: the salt, the iteration
   * count, StoredKey and ServerKey, computed once, so that an exchange costs a few HMACs.
   */
  static final class Verifier {
    private final byte[] salt;
    private final byte[] storedKey;
    private final byte[] serverKey;

    Verifier(String password) {
      salt = new byte[16];
      RANDOM.nextBytes(salt);
      byte[] salted = hi(bytes(password), salt, ITERATIONS);
      storedKey = sha256(hmac(salted, bytes("Client Key")));
      serverKey = hmac(salted, bytes("Server Key"));
    }

    /** A new exchange with one client. */
    Server exchange() {
      return new Server(this);
    }
  }

  /** The server's side of one exchange. */
  static final class Server {
    private final Verifier verifier;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;

    private Server(Verifier verifier) {
      this.verifier = verifier;
    }

    /**
     * The server-first-message for the client-first-message {@code clientFirst}.
     *
     * @throws PgException 08P01 for a message that is not SCRAM's, 0A000 for channel binding
     */
    byte[] first(byte[] clientFirst) throws PgException {
      String client = text(clientFirst);
      // gs2-header: "n" (no binding) or "y" (the client could, but thinks the server cannot), no authzid.
      if (client.startsWith("p=")) {
        throw PgException.fatal("0A000", "channel binding is not supported without TLS");
      }
      if (!(client.startsWith("n,,") || client.startsWith("y,,"))) {
        throw PgException.fatal("08P01", "malformed SCRAM message: unexpected GS2 header");
      }
      clientFirstBare = client.substring(3);
      String clientNonce = attributes(clientFirstBare).get('r');
      if (clientNonce == null || clientNonce.isEmpty()) {
        throw PgException.fatal("08P01", "malformed SCRAM message: no nonce");
      }
      nonce = clientNonce + nonce();
      serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(verifier.salt) + ",i=" + ITERATIONS;
      return bytes(serverFirst);
    }

    /**
     * The server-final-message for the client-final-message {@code clientFinal}, once its proof
     * shows the client knows the password.
     *
     * @throws PgException 28P01 when the proof is wrong, 08P01 for a malformed message
     */
    byte[] last(byte[] clientFinal, String user) throws PgException {
      String client = text(clientFinal);
      int proofAt = client.lastIndexOf(",p=");
      if (serverFirst == null || proofAt < 0) {
        throw PgException.fatal("08P01", "malformed SCRAM message: no proof");
      }
      String withoutProof = client.substring(0, proofAt);
      Map<Character, String> attributes = attributes(withoutProof);
      String binding = attributes.get('c');
      if (binding == null || !(binding.equals(CHANNEL_BINDING)
          || binding.equals(Base64.getEncoder().encodeToString(bytes("y,,"))))) {
        throw PgException.fatal("08P01", "malformed SCRAM message: unexpected channel binding");
      }
      if (!nonce.equals(attributes.get('r'))) {
        throw PgException.fatal("08P01", "malformed SCRAM message: the nonce does not match");
      }
      byte[] proof;
      try {
        proof = Base64.getDecoder().decode(client.substring(proofAt + 3));
      } catch (IllegalArgumentException e) {
        throw PgException.fatal("08P01", "malformed SCRAM message: the proof is not base64");
      }
      byte[] authMessage = bytes(clientFirstBare + "," + serverFirst + "," + withoutProof);
      byte[] signature = hmac(verifier.storedKey, authMessage);
      if (proof.length != signature.length
          || !MessageDigest.isEqual(sha256(xor(proof, signature)), verifier.storedKey)) {
        throw PgException.fatal("28P01", "password authentication failed for user \"" + user + "\"");
      }
      return bytes("v=" + Base64.getEncoder().encodeToString(hmac(verifier.serverKey, authMessage)));
    }
  }

  /** RFC 5802's Hi(): PBKDF2 with HMAC-SHA-256, one block. */
  static byte[] hi(byte[] password, byte[] salt, int iterations) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(password, "HmacSHA256"));
      mac.update(salt);
      byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
      byte[] result = u.clone();
      for (int i = 1; i < iterations; i++) {
        u = mac.doFinal(u);
        for (int j = 0; j < result.length; j++) {
          result[j] ^= u[j];
        }
      }
      return result;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e);
    }
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static byte[] xor(byte[] a, byte[] b) {
    byte[] result = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      result[i] = (byte) (a[i] ^ b[i]);
    }
    return result;
  }

  /** The attributes of a SCRAM message, {@code r=...,s=...,i=...}, by their one-letter names. */
  private static Map<Character, String> attributes(String message) {
    Map<Character, String> attributes = new HashMap<>();
    for (String part : message.split(",")) {
      if (part.length() >= 2 && part.charAt(1) == '=') {
        attributes.putIfAbsent(part.charAt(0), part.substring(2));
      }
    }
    return attributes;
  }

  private static byte[] decode(String base64) throws IOException {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IOException("SCRAM: not base64: " + base64, e);
    }
  }

  /** 18 random bytes in base64, as PostgreSQL's nonces are: printable, without a comma. */
  private static String nonce() {
    byte[] random = new byte[18];
    RANDOM.nextBytes(random);
    return Base64.getEncoder().encodeToString(random);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
