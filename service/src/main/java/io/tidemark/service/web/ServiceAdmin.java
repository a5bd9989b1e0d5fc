package io.tidemark.service.web;

import io.tidemark.http.admin.AdminControl;
import io.tidemark.persistence.fraud.FraudRuleSync;
import io.tidemark.persistence.fraud.FraudSettings;
import io.tidemark.persistence.fraud.VersionedFraudRule;
import io.tidemark.service.pipeline.ConsumptionGate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the admin API changes in this service: the fraud rule, stored in the database (so it
 * survives restarts) and put in force on every node through the {@link FraudRuleSync}, and
 * consumption of the input topics, paused and resumed at the pipelines' {@link ConsumptionGate}.
 */
public final class ServiceAdmin implements AdminControl {

  private static final Logger log = LoggerFactory.getLogger(ServiceAdmin.class);

  private final FraudRuleSync rules;
  private final ConsumptionGate gate;

  public ServiceAdmin(FraudRuleSync rules, ConsumptionGate gate) {
    this.rules = rules;
    this.gate = gate;
  }

  @Override
  public CompletionStage<VersionedFraudRule> fraudRule() {
    return CompletableFuture.completedFuture(rules.current().get());
  }

  @Override
  public CompletionStage<VersionedFraudRule> updateFraudRule(FraudSettings settings) {
    return rules
        .update(settings)
        .thenApply(
            stored -> {
              log.info("Fraud rule changed to {}", stored);
              return stored;
            });
  }

  @Override
  public CompletionStage<Boolean> pause() {
    log.info("Consumption paused by the admin API");
    return CompletableFuture.completedFuture(gate.pause());
  }

  @Override
  public CompletionStage<Boolean> resume() {
    log.info("Consumption resumed by the admin API");
    return CompletableFuture.completedFuture(gate.resume());
  }
}
