import * as pulumi from "@pulumi/pulumi";
import { ClusterPrerequisites, clusterPrerequisites } from "./components/clusterPrerequisites";
import { Credentials } from "./components/credentials";
import { FalcoNamespace } from "./components/falcoNamespace";
import { FalcoRelease } from "./components/falcoRelease";
import { FALCO_CHART } from "./components/falcoValues";
import { footprintSummary } from "./components/footprint";
import { falcoNetworkPolicies } from "./components/network/falcoFlows";
import { FalcoNetworkPolicies } from "./components/networkPolicies";
import { rulesOutput } from "./components/rules";
import { FalcoMonitoring } from "./components/monitoring";
import { eventRouting, withEventRouting } from "./components/monitoring/eventRouting";
import { operatorOutputs } from "./components/stackOutputs";
import { planStack } from "./components/stackPlan";

// Validate everything first: a bad value, or a rules file that would stop Falco from starting,
// stops the run here, before any resource is declared.
const { config, rules, values, footprint: stackFootprint } = planStack(pulumi.runtime.allConfig());

// The monitoring stack comes first: without its CRDs (and the event targets' Services) the
// reads fail and nothing below is created, instead of a half-applied stack.
const prerequisites = new ClusterPrerequisites("cluster-prerequisites", { required: clusterPrerequisites(config) });

const namespace = new FalcoNamespace("falco-namespace", { name: config.namespace }, { dependsOn: prerequisites.found });

const credentials = new Credentials(
    "credentials",
    { namespace: namespace.name, releaseName: config.releaseName, rotation: config.credentialsRotation },
    { dependsOn: [namespace] },
);

// Isolation first: the chart's pods start in a namespace that already denies what they do not need.
const networkPolicies = new FalcoNetworkPolicies(
    "falco-network",
    { namespace: namespace.name, policies: falcoNetworkPolicies(config) },
    { dependsOn: [namespace] },
);

// With falco:monitoringStack, falcosidekick's targets come from that stack, and Falco waits for it.
const routing = eventRouting(config);

const release = new FalcoRelease(
    "falco",
    {
        namespace: namespace.name,
        releaseName: config.releaseName,
        values: config.monitoringStack === "" ? values : withEventRouting(values, routing),
    },
    // The chart's pods read the credential Secrets by name at start, in a namespace already isolated.
    { dependsOn: [namespace, credentials, networkPolicies, ...routing.dependsOn] },
);

// The ServiceMonitor and PrometheusRule kinds come with the monitoring stack's CRDs.
new FalcoMonitoring(
    "falco-monitoring",
    { namespace: config.namespace, releaseName: config.releaseName, monitoring: config.monitoring },
    { dependsOn: [namespace, ...routing.dependsOn] },
);

export const namespaceName = namespace.name;
export const chart = { name: FALCO_CHART.name, version: release.chartVersion, appVersion: release.appVersion };
// In the preview's own output too, not only in the stack output: a node that would run short of memory.
stackFootprint.warnings.forEach((warning) => pulumi.log.warn(`footprint: ${warning}`));
/** Requests, limits and storage the stack puts on the cluster (the render's footprint.json has the detail). */
export const footprint = footprintSummary(stackFootprint);
/** Secret: `pulumi stack output webuiLogin --show-secrets`. */
export const webuiLogin = credentials.webuiLogin;
export const networkPolicyNames = networkPolicies.names;

// Operator outputs (README "Operations" uses the same names).
const operator = operatorOutputs(config);
export const webUi = operator.webUi;
export const alerts = operator.alerts;
export const eventTargets = operator.eventTargets;
export const objects = operator.objects;
/** Falco's rules: default ruleset version (followed or pinned), custom files, how each disabled rule is disabled. */
export const falcoRules = rulesOutput(rules);
