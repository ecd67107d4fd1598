package dev.parley.protocols.mqtt;

import dev.parley.protocols.Serving;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mqtt-server}: the {@link MqttBroker} from the command line, until SIGTERM (or Ctrl-C),
 * when a shutdown hook closes it: connections are closed after up to a second for what is queued
 * to them.
 */
@Command(name = "mqtt-server", mixinStandardHelpOptions = true,
    description = {"An MQTT 3.1.1 broker on the Parley event loop: QoS 0 and 1, wildcards, retained messages,",
        "persistent sessions and keep-alive, in memory. Try: mosquitto_sub -h 127.0.0.1 -p PORT -t 'a/#' -v"})
public final class MqttServerCommand implements Callable<Integer> {

  @Option(names = "--port", paramLabel = "N", description = "the TCP port (default: ${DEFAULT-VALUE}; 0 for any free port)")
  int port = 1883;

  @Option(names = "--bind", paramLabel = "ADDR", description = "the address to listen on (default: ${DEFAULT-VALUE})")
  String bind = "127.0.0.1";

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    MqttBroker broker = MqttBroker.start(new InetSocketAddress(bind, port));
    InetSocketAddress at = broker.address();
    spec.commandLine().getOut().println("mqtt-server listening on " + at.getAddress().getHostAddress() + ":"
        + at.getPort());
    spec.commandLine().getOut().flush();
    return Serving.untilTerminated("mqtt-server", broker::close);
  }
}
