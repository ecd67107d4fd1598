package dev.parley.protocols.mqtt;

import java.io.IOException;

/** The server answered CONNECT with a return code other than ACCEPTED (3.2.2.3). */
public final class MqttRefusedException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient ConnectReturnCode code;

  public MqttRefusedException(ConnectReturnCode code) {
    super("the server refused the connection: " + code);
    this.code = code;
  }

  /** The server's return code. */
  public ConnectReturnCode code() {
    return code;
  }
}
