package io.tidemark.service;

import io.tidemark.service.generate.GenerateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code tidemark} command line. */
@Command(
    name = "tidemark",
    mixinStandardHelpOptions = true,
    version = "tidemark 0.1.0",
    description = "Real-time stream processing on Apache Pekko.",
    subcommands = {CommandLine.HelpCommand.class, GenerateCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
