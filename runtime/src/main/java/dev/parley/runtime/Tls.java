package dev.parley.runtime;

import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * TLS for a connection, on either transport: which side this is, the {@link SSLContext} the caller
 * built (its keys and trusted certificates are the caller's business), and the few choices a
 * deployment makes. Set it on {@link ConnectionOptions#withTls} to encrypt from the first byte,
 * or start it between two frames of a plaintext conversation with {@link Connection#startTls} or
 * {@link BlockingConnection#startTls} (PostgreSQL's SSLRequest, answered {@code S}).
 *
 * <p>The defaults are the safe ones: TLS 1.3 and 1.2 only; a client checks that the server's
 * certificate names the host it connected to (the name it was given, not a reverse lookup) and
 * sends that name as SNI; a server asks for no client certificate. The handshake runs under the
 * connection's frame deadline, like a frame does: a peer that stalls it is closed
 * ({@link CloseReason#FRAME_TIMEOUT}). A handshake that fails, and a TLS 1.2 peer that starts a
 * second handshake on an established connection (renegotiation is refused), close the connection
 * with {@link CloseReason#TLS_ERROR}. Closing sends close_notify first.
 */
public final class Tls {

  /** Whether a server asks its clients for a certificate. */
  public enum ClientAuth {
    /** It does not ask. */
    NONE,
    /** It asks, and accepts a client that has none. */
    WANTED,
    /** It asks, and a client without a trusted certificate fails the handshake. */
    REQUIRED
  }

  private static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private final SSLContext context;
  private final boolean client;
  private final String serverName;
  private final boolean verifyHostName;
  private final ClientAuth clientAuth;
  private final List<String> protocols;

  private Tls(SSLContext context, boolean client, String serverName, boolean verifyHostName, ClientAuth clientAuth,
      List<String> protocols) {
    this.context = Objects.requireNonNull(context, "context");
    this.client = client;
    this.serverName = serverName;
    this.verifyHostName = verifyHostName;
    this.clientAuth = clientAuth;
    this.protocols = protocols;
  }

  /** The server side of TLS, with the keys of {@code context}. */
  public static Tls server(SSLContext context) {
    return new Tls(context, false, null, false, ClientAuth.NONE, DEFAULT_PROTOCOLS);
  }

  /**
   * The client side of TLS, trusting what {@code context} trusts and checking that the server's
   * certificate names the host connected to.
   */
  public static Tls client(SSLContext context) {
    return new Tls(context, true, null, true, ClientAuth.NONE, DEFAULT_PROTOCOLS);
  }

  /**
   * A client that expects the server's certificate to name {@code host} and sends it as SNI,
   * whatever address it connects to (a connection made from an IP address, or over a socket made
   * elsewhere, knows no other name).
   */
  public Tls withServerName(String host) {
    requireClient("a server name");
    return new Tls(context, client, Objects.requireNonNull(host, "host"), verifyHostName, clientAuth, protocols);
  }

  /**
   * A client that trusts any certificate its context trusts, whatever host it names. Only for a
   * peer known by other means (a test, a socket pinned to one server): without the check, any
   * holder of a trusted certificate can stand in for the server.
   */
  public Tls withoutHostNameVerification() {
    requireClient("host name verification");
    return new Tls(context, client, serverName, false, clientAuth, protocols);
  }

  /** A server that asks its clients for a certificate, as {@code auth} says. */
  public Tls withClientAuth(ClientAuth auth) {
    if (client) {
      throw new IllegalStateException("client authentication is the server's choice");
    }
    return new Tls(context, client, serverName, verifyHostName, Objects.requireNonNull(auth, "auth"), protocols);
  }

  /** The protocol versions offered, such as {@code List.of("TLSv1.3")}; TLS 1.3 and 1.2 by default. */
  public Tls withProtocols(List<String> versions) {
    if (versions.isEmpty()) {
      throw new IllegalArgumentException("at least one protocol version");
    }
    return new Tls(context, client, serverName, verifyHostName, clientAuth, List.copyOf(versions));
  }

  /** Whether this is the client side. */
  public boolean isClient() {
    return client;
  }

  /** The server name a client expects, if one was given. */
  public java.util.Optional<String> serverName() {
    return java.util.Optional.ofNullable(serverName);
  }

  /** Whether a client checks the host name in the server's certificate. */
  public boolean verifiesHostName() {
    return verifyHostName;
  }

  /** Whether a server asks for a client certificate. */
  public ClientAuth clientAuth() {
    return clientAuth;
  }

  /** The protocol versions offered. */
  public List<String> protocols() {
    return protocols;
  }

  /**
   * An engine for one connection. {@code host} is the name the client connected to (null when it
   * has none, or on the server side): with host name verification on, a client needs one.
   *
   * @throws IllegalArgumentException if a verifying client has no host name to verify
   */
  public SSLEngine newEngine(String host, int port) {
    String name = serverName != null ? serverName : host;
    SSLEngine engine;
    if (client) {
      if (verifyHostName && (name == null || name.isEmpty())) {
        throw new IllegalArgumentException("TLS host name verification needs the server's name: connect by name,"
            + " or give it with Tls.withServerName");
      }
      engine = name == null ? context.createSSLEngine() : context.createSSLEngine(name, port);
    } else {
      engine = context.createSSLEngine();
    }
    engine.setUseClientMode(client);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setProtocols(protocols.toArray(String[]::new));
    if (client) {
      if (verifyHostName) {
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
      }
      if (name != null && isHostName(name)) {
        parameters.setServerNames(List.of(new SNIHostName(name)));
      }
    } else {
      parameters.setNeedClientAuth(clientAuth == ClientAuth.REQUIRED);
      if (clientAuth == ClientAuth.WANTED) {
        parameters.setWantClientAuth(true);
      }
    }
    engine.setSSLParameters(parameters);
    return engine;
  }

  /** Whether {@code name} may be sent as SNI, which takes host names and not IP addresses. */
  private static boolean isHostName(String name) {
    if (name.indexOf(':') >= 0 || name.endsWith(".")) {
      return false; // an IPv6 literal, or a name SNI refuses
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return true;
      }
    }
    return false; // a dotted IPv4 literal
  }

  private void requireClient(String what) {
    if (!client) {
      throw new IllegalStateException(what + " is the client's choice");
    }
  }

  @Override
  public String toString() {
    return (client ? "TLS client" : "TLS server") + " " + protocols
        + (client ? (verifyHostName ? ", host name verified" : ", host name not verified")
            + (serverName == null ? "" : ", server name " + serverName) : ", client auth " + clientAuth);
  }
}
