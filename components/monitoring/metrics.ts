import { FALCO_PRIORITIES, FalcoPriority } from "../config/stackConfig";

/**
 * The metric catalogue: every metric that an alert or a dashboard panel of this
 * project reads, with who exports it. Queries are built from these entries only,
 * and the tests parse every generated query and refuse any name not listed here.
 *
 * Falco 0.43 (web server /metrics on 8765, `metrics.enabled`) and falcosidekick
 * 2.32 (/metrics on 2801) names are checked against ../shared/upstream/README.md
 * by the tests; the rest come from Prometheus itself and kube-state-metrics.
 */
export type MetricExporter = "falco" | "falcosidekick" | "prometheus" | "kube-state-metrics";

export interface MetricDefinition {
    name: string;
    exporter: MetricExporter;
    type: "counter" | "gauge";
    /** Labels the exporter itself sets (scrape-time labels such as `pod` and `node` come on top). */
    labels: readonly string[];
    /** The Falco metrics option (chart value under `metrics.`) the metric needs, if any. */
    needs?: "rulesCountersEnabled" | "kernelEventCountersEnabled" | "resourceUtilizationEnabled";
    help: string;
}

function metric(definition: MetricDefinition): MetricDefinition {
    return definition;
}

export const METRICS = {
    /** Only series with at least one match exist: a new (rule, node) series appears already at 1. */
    ruleMatches: metric({
        name: "falcosecurity_falco_rules_matches_total",
        exporter: "falco",
        type: "counter",
        labels: ["rule_name", "priority", "source"],
        needs: "rulesCountersEnabled",
        help: "Matches per Falco rule since Falco started; priority is numeric, 0 emergency .. 7 debug.",
    }),
    syscallEvents: metric({
        name: "falcosecurity_scap_n_evts_total",
        exporter: "falco",
        type: "counter",
        labels: [],
        needs: "kernelEventCountersEnabled",
        help: "Kernel events the driver delivered to Falco.",
    }),
    syscallDrops: metric({
        name: "falcosecurity_scap_n_drops_total",
        exporter: "falco",
        type: "counter",
        labels: [],
        needs: "kernelEventCountersEnabled",
        help: "Kernel events dropped (ring buffer full and other causes) before Falco saw them.",
    }),
    cpuUsage: metric({
        name: "falcosecurity_falco_cpu_usage_ratio",
        exporter: "falco",
        type: "gauge",
        labels: [],
        needs: "resourceUtilizationEnabled",
        help: "CPU used by the Falco process, as a fraction of one CPU.",
    }),
    memoryRss: metric({
        name: "falcosecurity_falco_memory_rss_bytes",
        exporter: "falco",
        type: "gauge",
        labels: [],
        needs: "resourceUtilizationEnabled",
        help: "Resident memory of the Falco process, in bytes (Prometheus output is always bytes).",
    }),
    sidekickEvents: metric({
        name: "falcosecurity_falcosidekick_falco_events_total",
        exporter: "falcosidekick",
        type: "counter",
        labels: ["hostname", "rule", "priority", "priority_raw", "source", "k8s_ns_name", "k8s_pod_name"],
        help: "Falco events falcosidekick received; hostname is the node (the chart sets FALCO_HOSTNAME to spec.nodeName), priority is numeric, 1 debug .. 8 emergency.",
    }),
    up: metric({
        name: "up",
        exporter: "prometheus",
        type: "gauge",
        labels: [],
        help: "1 when Prometheus' last scrape of the target succeeded.",
    }),
    daemonSetDesired: metric({
        name: "kube_daemonset_status_desired_number_scheduled",
        exporter: "kube-state-metrics",
        type: "gauge",
        labels: ["namespace", "daemonset"],
        help: "Nodes that should run a pod of the DaemonSet.",
    }),
    daemonSetReady: metric({
        name: "kube_daemonset_status_number_ready",
        exporter: "kube-state-metrics",
        type: "gauge",
        labels: ["namespace", "daemonset"],
        help: "Nodes that run a ready pod of the DaemonSet.",
    }),
} as const;

export type MetricKey = keyof typeof METRICS;
export type MetricCatalogue = Record<MetricKey, MetricDefinition>;

export function catalogueNames(catalogue: MetricCatalogue = METRICS): Set<string> {
    return new Set(Object.values(catalogue).map((m) => m.name));
}

/**
 * Falco's own numeric priority label (falco_metrics): the index in Falco's
 * order, 0 emergency .. 7 debug.
 */
export function falcoMetricPriority(priority: FalcoPriority): string {
    return String(FALCO_PRIORITIES.indexOf(priority));
}

/** falcosidekick's numeric priority label: the other way round, 1 debug .. 8 emergency. */
export function sidekickMetricPriority(priority: FalcoPriority): string {
    return String(FALCO_PRIORITIES.length - FALCO_PRIORITIES.indexOf(priority));
}

/** The priorities at or above `lowest`, highest first. */
export function prioritiesAtOrAbove(lowest: FalcoPriority): FalcoPriority[] {
    return FALCO_PRIORITIES.slice(0, FALCO_PRIORITIES.indexOf(lowest) + 1);
}

/**
 * Labels that the ServiceMonitors set on every scraped series. `job` is set
 * explicitly so that rules do not depend on the chart's Service names, and
 * `node` comes from the pod's node so alerts say where to look.
 */
export const SCRAPE_LABELS = {
    job: { falco: "falco", falcosidekick: "falcosidekick" },
    node: "node",
} as const;
