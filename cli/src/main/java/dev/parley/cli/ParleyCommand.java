package dev.parley.cli;

import picocli.CommandLine.Command;

/** The top-level {@code parley} command; the work is in its subcommands. */
@Command(
    name = "parley",
    mixinStandardHelpOptions = true,
    version = "parley 0.1.0",
    description = "Schema checker and code generator for length-prefixed binary protocols.",
    subcommands = {CheckCommand.class, GenerateCommand.class, CompatCommand.class, DecodeCommand.class},
    exitCodeOnInvalidInput = ExitCodes.USAGE,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:the schema has errors",
      "2:the command line is wrong",
      " :(compat: 1 when NEW breaks OLD; 2 also when OLD or NEW cannot be loaded)",
      "4:output could not be written"
    })
final class ParleyCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "name a command: parley check FILE..., parley generate -o DIR FILE...,"
            + " parley compat OLD NEW or parley decode SCHEMA... [CAPTURE]");
  }
}
