import { FALCO_PRIORITIES, FalcoPriority } from "../config/stackConfig";
import { falcoMetricPriority, METRICS, MetricCatalogue, prioritiesAtOrAbove, SCRAPE_LABELS } from "./metrics";
import { eventsIn, oneOf, rateOf, selector } from "./promql";

/**
 * The Grafana dashboard "Falco Runtime Security", generated from typed panels.
 * Every PromQL expression is built from the metric catalogue; the tests parse
 * each one with Prometheus' own parser and the LogQL with Loki's.
 */

export const DASHBOARD_TITLE = "Falco Runtime Security";
export const DASHBOARD_UID = "falco-runtime-security";
/** Template variables: Grafana replaces `${name}` with the chosen datasource. */
export const DATASOURCE_VARIABLES = { prometheus: "datasource", loki: "loki_datasource" } as const;

export interface DashboardParams {
    /** Name of the Loki datasource to preselect; "" leaves the Loki panel and variable out. */
    lokiDatasource: string;
}

export interface PromTarget {
    kind: "promql";
    expr: string;
    legendFormat?: string;
    instant?: boolean;
}

export interface LokiTarget {
    kind: "logql";
    expr: string;
}

export interface PanelSpec {
    title: string;
    type: "stat" | "timeseries" | "table" | "barchart" | "logs" | "row";
    description?: string;
    unit?: string;
    width: number;
    height: number;
    targets: Array<PromTarget | LokiTarget>;
}

const PRIORITY_LABEL_NAMES: Record<FalcoPriority, string> = {
    emergency: "Emergency",
    alert: "Alert",
    critical: "Critical",
    error: "Error",
    warning: "Warning",
    notice: "Notice",
    informational: "Informational",
    debug: "Debug",
};

/** Grafana's macro for the dashboard's time range; the tests substitute a duration before parsing. */
export const GRAFANA_RANGE = "$__range";
export const GRAFANA_RATE_INTERVAL = "$__rate_interval";

function promql(expr: string, legendFormat?: string, instant = false): PromTarget {
    return { kind: "promql", expr, legendFormat, instant };
}

/** The panels, in layout order. Pure. */
export function dashboardPanels(params: DashboardParams, m: MetricCatalogue = METRICS): PanelSpec[] {
    const matches = (priorities: readonly FalcoPriority[]) => selector(m.ruleMatches, { priority: oneOf(priorities.map(falcoMetricPriority)) });
    const overview = (title: string, priorities: readonly FalcoPriority[]): PanelSpec => ({
        title,
        type: "stat",
        description: `Matches of priority ${priorities.join(", ")} in the last 24 hours, all nodes.`,
        width: 8,
        height: 4,
        targets: [promql(eventsIn(matches(priorities), "24h", []), undefined, true)],
    });
    const sidekickEvents = selector(m.sidekickEvents);
    const panels: PanelSpec[] = [
        { title: "Overview", type: "row", width: 24, height: 1, targets: [] },
        overview("Critical and above (24h)", prioritiesAtOrAbove("critical")),
        overview("Error (24h)", ["error"]),
        overview("Warning (24h)", ["warning"]),
        { title: "Event timeline", type: "row", width: 24, height: 1, targets: [] },
        {
            title: "Events by priority",
            type: "timeseries",
            unit: "ops",
            width: 24,
            height: 8,
            // One query per priority, so each series is named rather than numbered.
            targets: FALCO_PRIORITIES.map((p) => promql(rateOf(matches([p]), GRAFANA_RATE_INTERVAL, []), PRIORITY_LABEL_NAMES[p])),
        },
        { title: "Event analysis", type: "row", width: 24, height: 1, targets: [] },
        {
            title: "Events by rule",
            type: "table",
            width: 8,
            height: 9,
            targets: [promql(`topk(20, ${eventsIn(selector(m.ruleMatches), GRAFANA_RANGE, ["rule_name"])})`, "{{rule_name}}", true)],
        },
        {
            title: "Events by namespace",
            type: "barchart",
            width: 8,
            height: 9,
            targets: [promql(eventsIn(sidekickEvents, GRAFANA_RANGE, ["k8s_ns_name"]), "{{k8s_ns_name}}", true)],
        },
        {
            title: "Top pods",
            type: "table",
            width: 8,
            height: 9,
            targets: [promql(`topk(10, ${eventsIn(sidekickEvents, GRAFANA_RANGE, ["k8s_ns_name", "k8s_pod_name"])})`, "{{k8s_ns_name}}/{{k8s_pod_name}}", true)],
        },
        { title: "System performance", type: "row", width: 24, height: 1, targets: [] },
        {
            title: "Syscall event rate per node",
            type: "timeseries",
            unit: "ops",
            width: 8,
            height: 8,
            targets: [promql(rateOf(selector(m.syscallEvents), GRAFANA_RATE_INTERVAL, [SCRAPE_LABELS.node]), "{{node}}")],
        },
        {
            title: "Falco memory per node (RSS)",
            type: "timeseries",
            unit: "bytes",
            width: 8,
            height: 8,
            targets: [promql(`max by (${SCRAPE_LABELS.node}) (${selector(m.memoryRss)})`, "{{node}}")],
        },
        {
            title: "Falco CPU per node",
            type: "timeseries",
            unit: "percentunit",
            description: "Fraction of one CPU used by the Falco process.",
            width: 8,
            height: 8,
            targets: [promql(`max by (${SCRAPE_LABELS.node}) (${selector(m.cpuUsage)})`, "{{node}}")],
        },
        {
            title: "Kernel event drop rate per node",
            type: "timeseries",
            unit: "percentunit",
            description: "Dropped over delivered kernel events; the FalcoHighDropRate alert fires above 1%.",
            width: 24,
            height: 8,
            targets: [
                promql(
                    `${rateOf(selector(m.syscallDrops), GRAFANA_RATE_INTERVAL, [SCRAPE_LABELS.node])} / ${rateOf(selector(m.syscallEvents), GRAFANA_RATE_INTERVAL, [SCRAPE_LABELS.node])}`,
                    "{{node}}",
                ),
            ],
        },
    ];
    if (params.lokiDatasource !== "") {
        panels.push(
            { title: "Recent events", type: "row", width: 24, height: 1, targets: [] },
            {
                title: "Falco events (Loki)",
                type: "logs",
                description: "Events falcosidekick pushed to Loki, newest first.",
                width: 24,
                height: 12,
                // falcosidekick labels every Loki stream it pushes with the event's rule and
                // priority, so this selector matches all Falco events and nothing else.
                targets: [{ kind: "logql", expr: `{rule=~".+", priority=~".+"}` }],
            },
        );
    }
    return panels;
}

function datasourceRef(panel: PanelSpec): { type: string; uid: string } {
    return panel.type === "logs"
        ? { type: "loki", uid: `\${${DATASOURCE_VARIABLES.loki}}` }
        : { type: "prometheus", uid: `\${${DATASOURCE_VARIABLES.prometheus}}` };
}

/** The dashboard JSON model (Grafana schema version 39). */
export function falcoDashboard(params: DashboardParams, m: MetricCatalogue = METRICS): Record<string, unknown> {
    let x = 0;
    let y = 0;
    let rowHeight = 0;
    const panels = dashboardPanels(params, m).map((panel, index) => {
        if (x + panel.width > 24) {
            x = 0;
            y += rowHeight;
            rowHeight = 0;
        }
        const gridPos = { x, y, w: panel.width, h: panel.height };
        x += panel.width;
        rowHeight = Math.max(rowHeight, panel.height);
        const base = { id: index + 1, title: panel.title, type: panel.type, gridPos };
        if (panel.type === "row") {
            return { ...base, collapsed: false, panels: [] };
        }
        return {
            ...base,
            description: panel.description,
            datasource: datasourceRef(panel),
            fieldConfig: { defaults: panel.unit ? { unit: panel.unit } : {}, overrides: [] },
            options: panel.type === "logs" ? { sortOrder: "Descending", wrapLogMessage: true } : {},
            targets: panel.targets.map((t, i) => ({
                refId: String.fromCharCode(65 + i),
                datasource: datasourceRef(panel),
                expr: t.expr,
                ...(t.kind === "promql" ? { legendFormat: t.legendFormat ?? "", instant: t.instant ?? false, range: !(t.instant ?? false) } : {}),
            })),
        };
    });
    const variables: Record<string, unknown>[] = [
        { name: DATASOURCE_VARIABLES.prometheus, label: "Prometheus", type: "datasource", query: "prometheus", current: {}, hide: 0 },
    ];
    if (params.lokiDatasource !== "") {
        variables.push({
            name: DATASOURCE_VARIABLES.loki,
            label: "Loki",
            type: "datasource",
            query: "loki",
            current: { text: params.lokiDatasource, value: params.lokiDatasource },
            hide: 0,
        });
    }
    return {
        uid: DASHBOARD_UID,
        title: DASHBOARD_TITLE,
        tags: ["falco", "security"],
        timezone: "browser",
        schemaVersion: 39,
        version: 1,
        editable: false,
        refresh: "1m",
        time: { from: "now-24h", to: "now" },
        templating: { list: variables },
        panels,
    };
}
