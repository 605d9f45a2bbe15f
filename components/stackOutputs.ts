import type { StackConfig } from "./config/stackConfig";
import { chartObjects, labelSelector, webUiPortForwardCommand, Workload } from "./chartObjects";
import { ALERTMANAGER_API_PATH, LOKI_PUSH_PATH, PORTS } from "./falcoValues";
import { ALERT_NAMES, PROMETHEUS_RULE_NAME } from "./monitoring/alerts";
import { rulesSources } from "./rules/rulesSources";

/**
 * What an operator needs at a glance, as plain data computed from validated
 * configuration (`pulumi stack output`, and the offline render's outputs.json).
 */
export interface OperatorOutputs {
    webUi: { portForward: string; url: string };
    /** The PrometheusRule and the alerts it holds. */
    alerts: { prometheusRule: string; names: string[] };
    eventTargets: {
        alertmanager: { url: string; minimumPriority: string };
        loki: { url: string; minimumPriority: string };
    };
    /** Names of the chart's workloads, services and the event store's volume claim, for kubectl. */
    objects: {
        workloads: Record<"falco" | "sidekick" | "webUi" | "redis", WorkloadOutput>;
        services: { sidekick: string; webUi: string; redis: string };
        redisDataClaim: string;
    };
}

export interface WorkloadOutput {
    kind: Workload["kind"];
    name: string;
    containers: string[];
    /** For `kubectl -l`. */
    podSelector: string;
}

function workloadOutput(workload: Workload): WorkloadOutput {
    return { kind: workload.kind, name: workload.name, containers: [...workload.containers], podSelector: labelSelector(workload.selector) };
}

export function operatorOutputs(config: StackConfig): OperatorOutputs {
    const sources = rulesSources(config.rulesVersion);
    const objects = chartObjects(config.releaseName, sources.followed);
    return {
        webUi: {
            portForward: webUiPortForwardCommand(config.namespace, config.releaseName),
            url: `http://localhost:${PORTS.webui}`,
        },
        alerts: { prometheusRule: PROMETHEUS_RULE_NAME, names: [...ALERT_NAMES] },
        eventTargets: {
            alertmanager: { url: `${config.alertmanager.url}${ALERTMANAGER_API_PATH}`, minimumPriority: config.alertmanager.minimumPriority },
            loki: { url: `${config.loki.url}${LOKI_PUSH_PATH}`, minimumPriority: config.loki.minimumPriority },
        },
        objects: {
            workloads: {
                falco: workloadOutput(objects.falco),
                sidekick: workloadOutput(objects.sidekick),
                webUi: workloadOutput(objects.webui),
                redis: workloadOutput(objects.redis),
            },
            services: { sidekick: objects.services.sidekick, webUi: objects.services.webui, redis: objects.services.redis },
            redisDataClaim: objects.redisDataClaim,
        },
    };
}
