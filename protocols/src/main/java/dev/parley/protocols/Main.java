package dev.parley.protocols;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The servers of existing protocols built with Parley, one executable jar:
 * {@code java -jar protocols/target/parley-protocols.jar SERVER --port N}. Each server binds to
 * 127.0.0.1 unless told otherwise, says {@code --help}, and stops cleanly on SIGTERM.
 */
@Command(name = "parley-protocols", mixinStandardHelpOptions = true, version = "parley-protocols 0.1.0",
    description = "Servers of existing protocols, built with Parley.",
    subcommands = {
        dev.parley.protocols.dns.DnsServerCommand.class,
        dev.parley.protocols.memcached.MemcachedServerCommand.class,
        dev.parley.protocols.modbus.ModbusServerCommand.class,
        dev.parley.protocols.mqtt.MqttServerCommand.class,
        dev.parley.protocols.pg.PgServerCommand.class,
    })
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line {@code args}; the exit code. */
  public static int run(String... args) {
    CommandLine line = new CommandLine(new Main());
    if (args.length == 0) {
      line.usage(System.err);
      return 2;
    }
    return line.execute(args);
  }
}
