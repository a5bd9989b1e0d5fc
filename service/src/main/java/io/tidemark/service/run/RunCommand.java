package io.tidemark.service.run;

import com.typesafe.config.ConfigFactory;
import io.tidemark.service.cli.Progress;
import io.tidemark.service.pipeline.LiveUpdates;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code tidemark run}: the service against the configured Kafka and PostgreSQL (what Kubernetes
 * runs). Migrates the schema, consumes until SIGTERM, prints a status line at {@code
 * tidemark.pipeline.status-interval}.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the service against the configured Kafka and PostgreSQL.",
      "Configuration: application.conf and KAFKA_BOOTSTRAP_SERVERS, DB_URL, DB_USER,"
          + " DB_PASSWORD, DB_SCHEMA, HTTP_PORT, ADMIN_TOKEN."
    })
public final class RunCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    ServiceRuntime runtime = ServiceRuntime.start(ConfigFactory.load(), LiveUpdates.NONE);
    Progress status =
        Progress.every(
            runtime.pipelineSettings().statusInterval(), System.err, runtime::statusLine);
    try {
      runtime.terminated().toCompletableFuture().join();
    } finally {
      status.close();
    }
    return 0;
  }
}
