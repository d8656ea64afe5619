package io.mockstagram.cli;

import io.mockstagram.api.ApiCommand;
import io.mockstagram.bench.BenchCommand;
import io.mockstagram.config.ConfigException;
import io.mockstagram.dashboard.DashboardCommand;
import io.mockstagram.local.LocalServerException;
import io.mockstagram.local.RoleProcess;
import io.mockstagram.nurse.NurseCommand;
import io.mockstagram.pipeline.fetcher.FetcherCommand;
import io.mockstagram.pipeline.updater.UpdaterCommand;
import io.mockstagram.producer.ProducerCommand;
import io.mockstagram.up.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mockstagram <role> [options]}: one jar, one subcommand per role. */
@Command(name = "mockstagram",
        mixinStandardHelpOptions = true,
        version = "mockstagram 0.1.0",
        description = "Polls a mock Instagram API for a million influencers a minute; replicas number themselves through Redis.",
        subcommands = {ProducerCommand.class, NurseCommand.class, FetcherCommand.class, UpdaterCommand.class,
                ApiCommand.class, DashboardCommand.class, UpCommand.class, BenchCommand.class})
public final class Main implements Runnable {

    /** Exit status for bad configuration or input, as opposed to a failure at run time. */
    public static final int CONFIG_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        RoleProcess.stopWithParent();
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
                        cmd.getErr().println(cmd.getCommandName() + ": " + e.getMessage());
                        return CONFIG_ERROR;
                    }
                    if (e instanceof LocalServerException) {
                        cmd.getErr().println(cmd.getCommandName() + ": " + e.getMessage());
                        return 1;
                    }
                    throw e;
                });
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a role: " + String.join(", ", spec.subcommands().keySet()));
    }
}
