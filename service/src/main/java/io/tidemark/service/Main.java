package io.tidemark.service;

import io.tidemark.service.generate.GenerateCommand;
import io.tidemark.service.reconcile.ReconcileCommand;
import io.tidemark.service.replay.ReplayCommand;
import io.tidemark.service.run.DemoCommand;
import io.tidemark.service.run.RunCommand;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code tidemark} command line. */
@Command(
    name = "tidemark",
    mixinStandardHelpOptions = true,
    version = "tidemark 0.1.0",
    description = "Real-time stream processing on Apache Pekko.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      GenerateCommand.class,
      ReplayCommand.class,
      ReconcileCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // Initialise logging before any thread logs, so that no early message is lost or replayed.
    LoggerFactory.getILoggerFactory();
    System.exit(commandLine().execute(args));
  }

  /** The command line with every subcommand, as {@code main} runs it. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
