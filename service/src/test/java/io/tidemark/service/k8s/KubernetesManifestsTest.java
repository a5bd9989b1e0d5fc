package io.tidemark.service.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigResolver;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.tidemark.http.health.HealthRoutes;
import io.tidemark.http.health.Readiness;
import io.tidemark.http.health.ReadinessCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests in {@code k8s/} against the service they deploy: every environment
 * variable they set is one the service's configuration reads, probes hit the service's health
 * routes, ports agree with the configuration, and the labels, selectors and service account tie the
 * objects together the way cluster bootstrap needs.
 */
class KubernetesManifestsTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path K8S = ROOT.resolve("k8s");
  static final String POD_IP = "10.1.2.3";
  static final Config UNRESOLVED =
      ConfigFactory.parseResourcesAnySyntax("application")
          .withFallback(ConfigFactory.defaultReferenceUnresolved());

  static Map<String, JsonNode> byKind = new LinkedHashMap<>();
  static JsonNode deployment;
  static JsonNode pod;
  static JsonNode container;
  static Map<String, String> env;
  static Config deployed;

  @BeforeAll
  static void readManifests() throws IOException {
    YAMLMapper yaml = new YAMLMapper();
    JsonNode kustomization = yaml.readTree(K8S.resolve("kustomization.yaml").toFile());
    for (JsonNode resource : kustomization.path("resources")) {
      JsonNode manifest = yaml.readTree(K8S.resolve(resource.asText()).toFile());
      assertNotNull(manifest.get("kind"), resource.asText());
      assertNull(
          byKind.put(manifest.path("kind").asText(), manifest),
          () -> "one object per kind: " + resource.asText());
    }
    deployment = manifest("Deployment");
    pod = deployment.path("spec").path("template");
    JsonNode containers = pod.path("spec").path("containers");
    assertEquals(1, containers.size(), "one container");
    container = containers.get(0);
    env = containerEnvironment();
    deployed = serviceConfig(env);
  }

  static JsonNode manifest(String kind) {
    JsonNode manifest = byKind.get(kind);
    assertNotNull(manifest, "k8s/ has no " + kind);
    return manifest;
  }

  /**
   * The variables the container gets: its {@code env} (the pod IP stands for the downward API) and
   * every key of the ConfigMaps and Secrets of its {@code envFrom}.
   */
  static Map<String, String> containerEnvironment() {
    Map<String, String> vars = new LinkedHashMap<>();
    for (JsonNode var : container.path("env")) {
      String fieldPath = var.path("valueFrom").path("fieldRef").path("fieldPath").asText();
      vars.put(
          var.path("name").asText(),
          fieldPath.equals("status.podIP") ? POD_IP : var.path("value").asText());
    }
    for (JsonNode source : container.path("envFrom")) {
      JsonNode data;
      if (source.has("configMapRef")) {
        data = named("ConfigMap", source.path("configMapRef").path("name").asText()).path("data");
      } else {
        data = named("Secret", source.path("secretRef").path("name").asText()).path("stringData");
      }
      data.properties().forEach(e -> vars.put(e.getKey(), e.getValue().asText()));
    }
    return vars;
  }

  static JsonNode named(String kind, String name) {
    JsonNode manifest = manifest(kind);
    assertEquals(name, manifest.path("metadata").path("name").asText(), kind + " name");
    return manifest;
  }

  /**
   * The service's configuration ({@code application.conf} over every module's {@code
   * reference.conf}) as a process with exactly {@code vars} in its environment would load it.
   */
  static Config serviceConfig(Map<String, String> vars) {
    ConfigResolver environment =
        new ConfigResolver() {
          @Override
          public ConfigValue lookup(String path) {
            return vars.containsKey(path) ? ConfigValueFactory.fromAnyRef(vars.get(path)) : null;
          }

          @Override
          public ConfigResolver withFallback(ConfigResolver fallback) {
            return this;
          }
        };
    return UNRESOLVED.resolve(
        ConfigResolveOptions.defaults().setUseSystemEnvironment(false).appendResolver(environment));
  }

  static Map<String, Integer> containerPorts() {
    Map<String, Integer> ports = new HashMap<>();
    container
        .path("ports")
        .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
    return ports;
  }

  static Map<String, String> labels(JsonNode node) {
    Map<String, String> labels = new HashMap<>();
    node.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  static void assertSelects(Map<String, String> selector, String what) {
    Map<String, String> podLabels = labels(pod.path("metadata").path("labels"));
    assertFalse(selector.isEmpty(), what + " selects everything");
    selector.forEach(
        (k, v) ->
            assertEquals(
                v, podLabels.get(k), what + " selects " + selector + ", pods " + podLabels));
  }

  @Test
  void kustomizationListsEveryManifest() throws IOException {
    Set<String> listed = new TreeSet<>();
    new YAMLMapper()
        .readTree(K8S.resolve("kustomization.yaml").toFile())
        .path("resources")
        .forEach(r -> listed.add(r.asText()));
    Set<String> files = new TreeSet<>();
    try (Stream<Path> all = Files.list(K8S)) {
      all.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
          .forEach(files::add);
    }
    assertEquals(files, listed);
    assertEquals(
        Set.of(
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "ConfigMap",
            "Secret",
            "Deployment",
            "Service",
            "PodDisruptionBudget"),
        byKind.keySet());
  }

  @Test
  void everyVariableTheDeploymentSetsIsReadByTheServiceConfiguration() throws IOException {
    String confs = confFiles();
    List<String> unread = new ArrayList<>();
    for (String name : env.keySet()) {
      String sentinel = "sentinel-" + name;
      Config config = serviceConfig(Map.of(name, sentinel));
      boolean read =
          config.entrySet().stream()
              .anyMatch(e -> String.valueOf(e.getValue().unwrapped()).contains(sentinel));
      if (!read || !confs.contains("${?" + name + "}")) {
        unread.add(name);
      }
    }
    assertEquals(List.of(), unread, "variables the service does not read, of " + env.keySet());
  }

  /** The text of the service's {@code *.conf} files and every module's {@code reference.conf}. */
  static String confFiles() throws IOException {
    StringBuilder text = new StringBuilder();
    for (String module : List.of("streams", "persistence", "http", "service")) {
      Path resources = ROOT.resolve(module).resolve("src/main/resources");
      try (Stream<Path> files = Files.list(resources)) {
        for (Path conf : files.filter(p -> p.toString().endsWith(".conf")).sorted().toList()) {
          if (module.equals("service")
              || conf.getFileName().toString().equals("reference.conf")
              || conf.getFileName().toString().equals("persistence.conf")) {
            text.append(Files.readString(conf)).append('\n');
          }
        }
      }
    }
    return text.toString();
  }

  @Test
  void podsJoinThroughClusterBootstrapOnTheKubernetesApi() {
    assertEquals("bootstrap", deployed.getString("tidemark.cluster.join"));
    assertEquals("", deployed.getString("tidemark.cluster.seed-nodes"));
    assertEquals(
        "kubernetes-api",
        deployed.getString(
            "pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
    assertEquals(POD_IP, deployed.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(POD_IP, deployed.getString("pekko.management.http.hostname"));
    assertEquals(
        "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider",
        deployed.getString("pekko.cluster.downing-provider-class"));
    int required =
        deployed.getInt(
            "pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr");
    int replicas = deployment.path("spec").path("replicas").asInt();
    assertEquals(3, replicas);
    assertTrue(
        required >= 1 && required <= replicas,
        "a new cluster needs " + required + " contact points of " + replicas + " replicas");
  }

  @Test
  void namedPortsAgreeWithTheConfiguration() {
    Config defaults = serviceConfig(Map.of());
    Map<String, Integer> ports = containerPorts();
    assertEquals(Map.of("http", 8080, "remoting", 25520, "management", 8558), ports);
    assertEquals(ports.get("http"), defaults.getInt("tidemark.http.port"));
    assertEquals(ports.get("management"), defaults.getInt("pekko.management.http.port"));
    assertEquals(ports.get("http"), deployed.getInt("tidemark.http.port"));
    assertEquals(ports.get("management"), deployed.getInt("pekko.management.http.port"));
    assertEquals(ports.get("remoting"), deployed.getInt("pekko.remote.artery.canonical.port"));
    JsonNode service = manifest("Service").path("spec").path("ports");
    assertEquals(1, service.size());
    String target = service.get(0).path("targetPort").asText();
    assertTrue(ports.containsKey(target), "Service targets port " + target + " of " + ports);
  }

  @Test
  void probesHitTheHealthRoutesOnTheHttpPort() throws Exception {
    Map<String, String> probes = new LinkedHashMap<>();
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      JsonNode get = container.path(probe).path("httpGet");
      assertEquals("http", get.path("port").asText(), probe + " port");
      probes.put(probe, get.path("path").asText());
    }
    assertEquals("/health/ready", probes.get("readinessProbe"));
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "probes",
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.load()));
    try {
      Readiness readiness =
          Readiness.of(
              Duration.ofSeconds(5),
              List.of(ReadinessCheck.of("ok", () -> CompletableFuture.completedFuture(true))));
      ServerBinding binding =
          Http.get(system)
              .newServerAt("127.0.0.1", 0)
              .bind(new HealthRoutes(readiness).routes())
              .toCompletableFuture()
              .get();
      HttpClient client = HttpClient.newHttpClient();
      for (var probe : probes.entrySet()) {
        URI uri =
            URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + probe.getValue());
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), probe.getKey() + " " + uri);
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get();
    }
  }

  @Test
  void podLabelsMatchEverySelector() {
    assertSelects(
        labels(deployment.path("spec").path("selector").path("matchLabels")), "Deployment");
    assertSelects(labels(manifest("Service").path("spec").path("selector")), "Service");
    JsonNode pdb = manifest("PodDisruptionBudget").path("spec");
    assertSelects(labels(pdb.path("selector").path("matchLabels")), "PodDisruptionBudget");
    assertEquals(1, pdb.path("maxUnavailable").asInt());
    String selector =
        String.format(
            deployed.getString("pekko.discovery.kubernetes-api.pod-label-selector"),
            deployed.getString(
                "pekko.management.cluster.bootstrap.contact-point-discovery.service-name"));
    Map<String, String> discovery = new HashMap<>();
    for (String term : selector.split(",")) {
      String[] kv = term.split("=", 2);
      assertEquals(2, kv.length, "equality-based selector: " + selector);
      discovery.put(kv[0].trim(), kv[1].trim());
    }
    assertSelects(discovery, "kubernetes-api discovery (" + selector + ")");
  }

  @Test
  void roleBindingLetsThePodsServiceAccountListPods() {
    String account = pod.path("spec").path("serviceAccountName").asText();
    assertEquals(account, manifest("ServiceAccount").path("metadata").path("name").asText());
    JsonNode binding = manifest("RoleBinding");
    JsonNode role = manifest("Role");
    assertEquals("Role", binding.path("roleRef").path("kind").asText());
    assertEquals(
        role.path("metadata").path("name").asText(), binding.path("roleRef").path("name").asText());
    boolean bound = false;
    for (JsonNode subject : binding.path("subjects")) {
      bound |=
          subject.path("kind").asText().equals("ServiceAccount")
              && subject.path("name").asText().equals(account);
    }
    assertTrue(bound, "RoleBinding binds service account " + account);
    boolean readsPods = false;
    for (JsonNode rule : role.path("rules")) {
      Set<String> verbs = new TreeSet<>();
      rule.path("verbs").forEach(v -> verbs.add(v.asText()));
      readsPods |=
          rule.path("resources").toString().contains("\"pods\"")
              && rule.path("apiGroups").toString().equals("[\"\"]")
              && verbs.containsAll(Set.of("get", "watch", "list"));
    }
    assertTrue(readsPods, "Role reads pods: " + role.path("rules"));
  }

  @Test
  void gracePeriodOutlastsCoordinatedShutdown() {
    Config phases = deployed.getConfig("pekko.coordinated-shutdown.phases");
    Duration fallback = deployed.getDuration("pekko.coordinated-shutdown.default-phase-timeout");
    Duration total = Duration.ZERO;
    for (String phase : phases.root().keySet()) {
      Config c = phases.getConfig("\"" + phase + "\"");
      total = total.plus(c.hasPath("timeout") ? c.getDuration("timeout") : fallback);
    }
    long grace = pod.path("spec").path("terminationGracePeriodSeconds").asLong();
    assertTrue(
        grace >= total.toSeconds(),
        "terminationGracePeriodSeconds " + grace + " < coordinated shutdown's " + total);
  }

  @Test
  void imageRunsTheRunnableJarThatTheLauncherBuilds() throws IOException {
    Matcher jar =
        Pattern.compile("service/target/[\\w.-]+-all\\.jar")
            .matcher(Files.readString(ROOT.resolve("tidemark")));
    assertTrue(jar.find(), "./tidemark names its jar");
    String dockerfile = Files.readString(K8S.resolve("Dockerfile"));
    assertTrue(dockerfile.contains("/src/" + jar.group()), "Dockerfile copies " + jar.group());
    assertTrue(dockerfile.contains("CMD [\"run\"]"), "the image runs `tidemark run`");
    assertEquals("[\"run\"]", container.path("args").toString());
  }
}
