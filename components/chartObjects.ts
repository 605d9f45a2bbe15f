import { PORTS } from "./falcoValues";
import { chartPodSelector } from "./network/chartPods";

/**
 * Names of the objects the falco chart 8.0.1 and its falcosidekick 0.12.1
 * subchart create for a release, derived as their templates derive them
 * (falcosecurity/charts, charts/falco/templates/_helpers.tpl `falco.fullname`,
 * `falco.selectorLabels`, pod-template.tpl, and charts/falcosidekick/templates/
 * _helpers.tpl, deployment.yaml, deployment-ui.yaml, service*.yaml).
 * The stack outputs, the README's operations commands and their test read them
 * from here, so the runbook names what is actually deployed.
 */

const MAX_NAME = 63;

/** Helm's `fullname`: the release name when it contains the chart name, else `<release>-<chart>`, cut to 63. */
export function helmFullname(releaseName: string, chartName: string): string {
    const full = releaseName.includes(chartName) ? releaseName : `${releaseName}-${chartName}`;
    return full.slice(0, MAX_NAME).replace(/-+$/, "");
}

export interface Workload {
    kind: "DaemonSet" | "Deployment" | "StatefulSet";
    name: string;
    /** Containers, init containers included, by name. */
    containers: string[];
    /** The pod selector labels (the NetworkPolicies select on the same), which `kubectl -l` can use. */
    selector: Record<string, string>;
}

export interface ChartObjects {
    falco: Workload;
    sidekick: Workload;
    webui: Workload;
    redis: Workload;
    services: { sidekick: string; webui: string; redis: string };
    /** The PVC the redis StatefulSet's volumeClaimTemplate creates for its only replica. */
    redisDataClaim: string;
}

/** `followsRules`: the falcoctl follow sidecar runs (a floating `falco:rulesVersion`; rulesSources().followed). */
export function chartObjects(releaseName: string, followsRules = false): ChartObjects {
    const falcoName = helmFullname(releaseName, "falco");
    // The subchart runs with the parent's release name.
    const sidekickName = helmFullname(releaseName, "falcosidekick");
    const redisName = `${sidekickName}-ui-redis`;
    return {
        falco: {
            kind: "DaemonSet",
            name: falcoName,
            // falcoctl installs the rules artifacts at start and, for a floating tag only, follows them.
            // The driver loader init container (kmod/ebpf) is left out: no command here needs it.
            containers: ["falco", ...(followsRules ? ["falcoctl-artifact-follow"] : []), "falcoctl-artifact-install"],
            selector: chartPodSelector(releaseName, "falco"),
        },
        sidekick: { kind: "Deployment", name: sidekickName, containers: ["falcosidekick"], selector: chartPodSelector(releaseName, "sidekick") },
        webui: {
            kind: "Deployment",
            name: `${sidekickName}-ui`,
            containers: ["falcosidekick-ui", "wait-redis"],
            selector: chartPodSelector(releaseName, "webui"),
        },
        redis: { kind: "StatefulSet", name: redisName, containers: ["redis"], selector: chartPodSelector(releaseName, "redis") },
        services: { sidekick: sidekickName, webui: `${sidekickName}-ui`, redis: redisName },
        redisDataClaim: `${redisName}-data-${redisName}-0`,
    };
}

/** `kubectl -l` form of a selector. */
export function labelSelector(labels: Record<string, string>): string {
    return Object.entries(labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(",");
}

/** The command that makes the web UI reachable on http://localhost:2802. */
export function webUiPortForwardCommand(namespace: string, releaseName: string): string {
    return `kubectl -n ${namespace} port-forward svc/${chartObjects(releaseName).services.webui} ${PORTS.webui}:${PORTS.webui}`;
}
