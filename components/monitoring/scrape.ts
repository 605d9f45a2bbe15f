import type { IServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { FALCO_CHART, PORTS } from "../falcoValues";
import { SCRAPE_LABELS } from "./metrics";

/**
 * ServiceMonitors for the chart's own Services. The selectors and port names
 * are those of chart falco 8.0.1 and falcosidekick 0.12.1:
 * - falco: the metrics Service carries the chart's selector labels
 *   (app.kubernetes.io/name=falco, app.kubernetes.io/instance=<release>) plus
 *   `type: falco-metrics`, and names its 8765 port `metrics` (the chart's own
 *   serviceMonitor template selects it the same way, endpointPort "metrics");
 * - falcosidekick: the core Service carries app.kubernetes.io/name=falcosidekick,
 *   instance=<release>, component=core and names its 2801 port `http`; the UI
 *   Service shares name and instance but has component=ui, so component matters.
 */

export const SCRAPE_TARGETS = {
    falco: {
        job: SCRAPE_LABELS.job.falco,
        port: PORTS.falcoMetrics,
        portName: "metrics",
        selector: (release: string) => ({
            "app.kubernetes.io/name": FALCO_CHART.name,
            "app.kubernetes.io/instance": release,
            type: "falco-metrics",
        }),
    },
    falcosidekick: {
        job: SCRAPE_LABELS.job.falcosidekick,
        port: PORTS.sidekick,
        portName: "http",
        selector: (release: string) => ({
            "app.kubernetes.io/name": "falcosidekick",
            "app.kubernetes.io/instance": release,
            "app.kubernetes.io/component": "core",
        }),
    },
} as const;

export type ScrapeTargetName = keyof typeof SCRAPE_TARGETS;

export interface ServiceMonitorParams {
    namespace: string;
    releaseName: string;
    /** Labels the cluster's Prometheus selects ServiceMonitors and rules by. */
    prometheusLabels: Record<string, string>;
    scrapeInterval: string;
}

export function serviceMonitorName(releaseName: string, target: ScrapeTargetName): string {
    return target === "falco" ? releaseName : `${releaseName}-falcosidekick`;
}

/** The whole ServiceMonitor object. Pure, so the tests validate exactly what the program declares. */
export function serviceMonitor(target: ScrapeTargetName, params: ServiceMonitorParams): IServiceMonitor {
    const t = SCRAPE_TARGETS[target];
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: {
            name: serviceMonitorName(params.releaseName, target),
            namespace: params.namespace,
            labels: { ...params.prometheusLabels, "app.kubernetes.io/part-of": "falco", "app.kubernetes.io/managed-by": "pulumi" },
        },
        spec: {
            selector: { matchLabels: t.selector(params.releaseName) },
            namespaceSelector: { matchNames: [params.namespace] },
            endpoints: [
                {
                    port: t.portName,
                    path: "/metrics",
                    scheme: "http",
                    interval: params.scrapeInterval,
                    relabelings: [
                        // A fixed job name: alert rules must not depend on the chart's Service names.
                        { action: "replace", targetLabel: "job", replacement: t.job },
                        // The node a series comes from, so that alerts say where to look.
                        { action: "replace", sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: SCRAPE_LABELS.node },
                    ],
                },
            ],
        },
    };
}
