package dev.parley.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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
      "1:the schema has errors (compat: NEW breaks OLD; decode: a frame is bad)",
      "2:the command line is wrong, or a file it names cannot be used",
      "3:internal error (a bug in parley)",
      "4:output could not be written"
    })
final class ParleyCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(),
        "name a command: parley check FILE..., parley generate -o DIR FILE...,"
            + " parley compat OLD NEW or parley decode SCHEMA... [CAPTURE]");
  }
}
