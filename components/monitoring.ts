import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import type { MonitoringConfig } from "./config/monitoringConfig";
import { ALERT_NAMES, falcoAlertRuleGroups, PROMETHEUS_RULE_NAME } from "./monitoring/alerts";
import { DASHBOARD_TITLE, DASHBOARD_UID, falcoDashboard } from "./monitoring/dashboard";
import { serviceMonitor, ServiceMonitorParams } from "./monitoring/scrape";
import { COMPONENT_TYPES } from "./naming";

export interface FalcoMonitoringArgs {
    /** Namespace of the stack (validated DNS label); every monitoring object goes there. */
    namespace: string;
    /** Helm release name: the chart's Services and DaemonSet are named after it. */
    releaseName: string;
    monitoring: MonitoringConfig;
}

const MANAGED_LABELS = { "app.kubernetes.io/part-of": "falco", "app.kubernetes.io/managed-by": "pulumi" };

/** Everything the objects are built from, as pure functions of configuration; the tests use the same ones. */
export function prometheusRuleObject(args: FalcoMonitoringArgs): IPrometheusRule {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: {
            name: PROMETHEUS_RULE_NAME,
            namespace: args.namespace,
            labels: { ...args.monitoring.prometheusLabels, ...MANAGED_LABELS },
        },
        spec: {
            groups: falcoAlertRuleGroups({
                namespace: args.namespace,
                daemonSetName: args.releaseName,
                runbookBaseUrl: args.monitoring.runbookBaseUrl,
            }),
        },
    };
}

export function serviceMonitorParams(args: FalcoMonitoringArgs): ServiceMonitorParams {
    return {
        namespace: args.namespace,
        releaseName: args.releaseName,
        prometheusLabels: args.monitoring.prometheusLabels,
        scrapeInterval: args.monitoring.scrapeInterval,
    };
}

export const DASHBOARD_CONFIGMAP_NAME = `${DASHBOARD_UID}-dashboard`;
export const DASHBOARD_FILE = `${DASHBOARD_UID}.json`;

/**
 * Scraping, alert rules and the Grafana dashboard, as objects of their own:
 * ServiceMonitors for Falco and falcosidekick, the PrometheusRule
 * `falco-security-alerts`, and a ConfigMap that Grafana's sidecar loads.
 */
export class FalcoMonitoring extends pulumi.ComponentResource {
    public readonly alertNames: readonly string[] = ALERT_NAMES;
    public readonly prometheusRuleName: string = PROMETHEUS_RULE_NAME;
    public readonly dashboardTitle: string = DASHBOARD_TITLE;
    public readonly serviceMonitors: k8s.apiextensions.CustomResource[];
    public readonly prometheusRule: k8s.apiextensions.CustomResource;
    public readonly dashboard: k8s.core.v1.ConfigMap;

    constructor(name: string, args: FalcoMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super(COMPONENT_TYPES.monitoring, name, {}, opts);
        const smParams = serviceMonitorParams(args);
        this.serviceMonitors = (["falco", "falcosidekick"] as const).map(
            (target) => new k8s.apiextensions.CustomResource(`${name}-${target}`, serviceMonitor(target, smParams), { parent: this }),
        );
        this.prometheusRule = new k8s.apiextensions.CustomResource(`${name}-rules`, prometheusRuleObject(args), { parent: this });
        this.dashboard = new k8s.core.v1.ConfigMap(
            `${name}-dashboard`,
            {
                metadata: {
                    name: DASHBOARD_CONFIGMAP_NAME,
                    namespace: args.namespace,
                    labels: { ...args.monitoring.dashboardLabels, ...MANAGED_LABELS },
                    annotations: { [args.monitoring.dashboardFolderAnnotation]: args.monitoring.dashboardFolder },
                },
                data: { [DASHBOARD_FILE]: JSON.stringify(falcoDashboard({ lokiDatasource: args.monitoring.lokiDatasource }), null, 2) },
            },
            { parent: this },
        );
        this.registerOutputs({ alertNames: this.alertNames, prometheusRuleName: this.prometheusRuleName, dashboardTitle: this.dashboardTitle });
    }
}
