import { show } from "./errors";
import { FieldReader } from "./fieldReader";

/** `falco:monitoring`: how the cluster's Prometheus and Grafana find what this stack declares. */
export interface MonitoringConfig {
    /** Labels on the ServiceMonitors and the PrometheusRule that the cluster's Prometheus selects on. */
    prometheusLabels: Record<string, string>;
    /** Scrape interval of both ServiceMonitors, a Prometheus duration. */
    scrapeInterval: string;
    /** Labels on the dashboard ConfigMap that Grafana's dashboard sidecar watches for. */
    dashboardLabels: Record<string, string>;
    /** Annotation key the sidecar reads the target folder from (its `folderAnnotation` setting). */
    dashboardFolderAnnotation: string;
    dashboardFolder: string;
    /** Loki datasource name to preselect in the dashboard; "" leaves the Loki logs panel out. */
    lokiDatasource: string;
    /** The README's address as alert receivers can open it; runbook links add `#<alertname>`. */
    runbookBaseUrl: string;
}

export const MONITORING_KEYS = [
    "prometheusLabels",
    "scrapeInterval",
    "dashboardLabels",
    "dashboardFolderAnnotation",
    "dashboardFolder",
    "lokiDatasource",
    "runbookBaseUrl",
] as const;

/** Prometheus' duration syntax, as the prometheus-operator CRDs validate it. */
const PROMETHEUS_DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
/** Kubernetes qualified name, optionally with a DNS-subdomain prefix (label and annotation keys). */
const QUALIFIED_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function readLabels(r: FieldReader, value: unknown, path: string): Record<string, string> {
    if (r.isReportedMissing(value, path)) {
        return {};
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        r.problems.add(`${path}: ${show(value)} is not accepted; accepted: a map of Kubernetes label keys to string values`);
        return {};
    }
    const labels: Record<string, string> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (!QUALIFIED_KEY.test(key) || key.length > 316) {
            r.problems.add(`${path}.${key}: not a Kubernetes label key; accepted: [prefix/]name, name of at most 63 characters`);
        }
        if (typeof v !== "string" || !LABEL_VALUE.test(v) || v.length > 63) {
            r.problems.add(`${path}.${key}: ${show(v)} is not a Kubernetes label value; accepted: a string of at most 63 characters of A-Z, a-z, 0-9, '-', '_', '.' (quote numbers: "1")`);
            continue;
        }
        labels[key] = v;
    }
    return labels;
}

export function readMonitoringConfig(r: FieldReader, value: unknown, path: string): MonitoringConfig {
    const o = r.object(value, path, MONITORING_KEYS);
    const scrapeInterval = r.string(o.scrapeInterval, `${path}.scrapeInterval`);
    if (typeof o.scrapeInterval === "string" && (!PROMETHEUS_DURATION.test(scrapeInterval) || scrapeInterval === "0")) {
        r.problems.add(`${path}.scrapeInterval: ${show(o.scrapeInterval)} is not accepted; accepted: a Prometheus duration such as "30s" or "1m"`);
    }
    const dashboardFolderAnnotation = r.string(o.dashboardFolderAnnotation, `${path}.dashboardFolderAnnotation`);
    if (typeof o.dashboardFolderAnnotation === "string" && !QUALIFIED_KEY.test(dashboardFolderAnnotation)) {
        r.problems.add(`${path}.dashboardFolderAnnotation: ${show(o.dashboardFolderAnnotation)} is not an annotation key; accepted: [prefix/]name, e.g. "grafana_folder"`);
    }
    return {
        prometheusLabels: readLabels(r, o.prometheusLabels, `${path}.prometheusLabels`),
        scrapeInterval,
        dashboardLabels: readLabels(r, o.dashboardLabels, `${path}.dashboardLabels`),
        dashboardFolderAnnotation,
        dashboardFolder: r.string(o.dashboardFolder, `${path}.dashboardFolder`),
        lokiDatasource: r.string(o.lokiDatasource, `${path}.lokiDatasource`),
        runbookBaseUrl: r.string(o.runbookBaseUrl, `${path}.runbookBaseUrl`),
    };
}

/** `falco:monitoringStack`: "" (none) or a Pulumi stack reference, `[org/][project/]stack`. */
export function readMonitoringStack(r: FieldReader, value: unknown, path: string): string {
    const text = r.string(value, path);
    if (typeof value === "string" && text !== "" && !/^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/.test(text)) {
        r.problems.add(`${path}: ${show(value)} is not accepted; accepted: "" (no monitoring stack) or a stack name such as "monitoring", "homelab/monitoring/prod" or "org/project/stack"`);
    }
    return text;
}
