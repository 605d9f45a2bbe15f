import { FalcoPriority } from "../config/stackConfig";
import { METRICS, MetricCatalogue, prioritiesAtOrAbove, SCRAPE_LABELS, sidekickMetricPriority } from "./metrics";
import { eventsIn, oneOf, rateOf, selector } from "./promql";

/**
 * The alert rules of the PrometheusRule `falco-security-alerts`, generated from
 * one table: names, severities, thresholds and windows live here only. The
 * README's alert table and runbooks, the promtool tests and the stack outputs
 * all read them from this module.
 */

export const PROMETHEUS_RULE_NAME = "falco-security-alerts";
export const ALERT_GROUP_NAME = "falco-security";

export type AlertSeverity = "critical" | "warning" | "info";

/** Alert names, exported for other modules (stack outputs, docs). */
export const ALERT_NAMES = [
    "FalcoCriticalSecurityEvent",
    "FalcoReverseShellDetected",
    "FalcoCryptominingDetected",
    "FalcoErrorSecurityEvent",
    "FalcoHighEventRate",
    "FalcoDown",
    "FalcoHighDropRate",
    "FalcoNoEvents",
] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

/**
 * Rules whose matches page as a reverse shell or crypto-mining. The custom
 * homelab rules (issue 3) carry these exact names; the upstream one is from the
 * default ruleset falco-rules 5.x, whose description names it a reverse-shell payload.
 */
export const REVERSE_SHELL_RULES = ["Reverse Shell Detected", "Netcat Remote Code Execution in Container"] as const;
export const CRYPTOMINING_RULES = ["Detect Cryptocurrency Mining"] as const;
/** Of these, the ones the upstream default ruleset defines (the rest are this project's custom rules). */
export const UPSTREAM_MATCHED_RULES = ["Netcat Remote Code Execution in Container"] as const;

/** Thresholds and windows; one place, read by the expressions, the README and the tests. */
export const ALERT_THRESHOLDS = {
    /** Window in which a security event keeps its alert firing. */
    securityEventWindow: "5m",
    /** Events per second per node, sustained for `highEventRateFor`. */
    highEventRatePerSecond: 10,
    highEventRateWindow: "5m",
    highEventRateFor: "10m",
    /** Fraction of kernel events dropped, per node. */
    highDropRatio: 0.01,
    highDropRateWindow: "5m",
    highDropRateFor: "10m",
    downFor: "5m",
    /** No event at all for this long. */
    noEventsWindow: "15m",
} as const;

export interface AlertRule {
    alert: AlertName;
    expr: string;
    for: string;
    labels: { severity: AlertSeverity };
    annotations: { summary: string; description: string; runbook_url: string };
}

export interface RuleGroup {
    name: string;
    rules: AlertRule[];
}

export interface AlertParams {
    /** Namespace of the Falco DaemonSet. */
    namespace: string;
    /** Name of the Falco DaemonSet: the chart's full name, which is the release name (it contains "falco"). */
    daemonSetName: string;
    /** Where the README is; runbook links are this plus `#<alert name in lower case>`. */
    runbookBaseUrl: string;
}

export interface AlertSpec {
    alert: AlertName;
    severity: AlertSeverity;
    /** Plain-language condition, for the README table. */
    firesWhen: string;
    for: string;
    expr: (metrics: MetricCatalogue, params: AlertParams) => string;
    summary: string;
    description: string;
    /** What to do, for the README runbook. */
    runbook: string[];
}

/** Labels of a security-event alert: the rule, and where it happened. */
const EVENT_LABELS = ["rule", "priority_raw", "hostname", "k8s_ns_name", "k8s_pod_name"] as const;

const EVENT_POD = `{{ if $labels.k8s_pod_name }}in pod {{ $labels.k8s_ns_name }}/{{ $labels.k8s_pod_name }}{{ else }}outside any pod{{ end }}`;
/** falcosidekick's `hostname` is the node: the chart sets FALCO_HOSTNAME to the pod's spec.nodeName. */
const EVENT_WHERE = `${EVENT_POD} on node {{ $labels.hostname }}`;

function sidekickEventsSince(metrics: MetricCatalogue, matchers: Parameters<typeof selector>[1]): string {
    return `${eventsIn(selector(metrics.sidekickEvents, matchers), ALERT_THRESHOLDS.securityEventWindow, EVENT_LABELS)} > 0`;
}

function sidekickPriorities(priorities: readonly FalcoPriority[]): { regex: string } {
    return oneOf(priorities.map(sidekickMetricPriority));
}

export const ALERT_SPECS: readonly AlertSpec[] = [
    {
        alert: "FalcoCriticalSecurityEvent",
        severity: "critical",
        firesWhen: `a Falco event of priority critical or higher (critical, alert, emergency), within ${ALERT_THRESHOLDS.securityEventWindow} of it`,
        for: "0m",
        expr: (m) => sidekickEventsSince(m, { priority: sidekickPriorities(prioritiesAtOrAbove("critical")) }),
        summary: `Falco critical event: {{ $labels.rule }}`,
        description: `Falco rule "{{ $labels.rule }}" ({{ $labels.priority_raw }}) matched ${EVENT_WHERE}: {{ $value }} event(s) in the last ${ALERT_THRESHOLDS.securityEventWindow}.`,
        runbook: [
            "Open the event in the falcosidekick web UI or in Loki (`{rule=\"<rule>\"}`) and read its output fields: process, command line, user, container image.",
            "If the activity is not expected, isolate the pod (scale its owner to zero or apply a deny-all NetworkPolicy) before investigating further.",
            "If it is expected, add an exception to the rule (Falco exceptions syntax) instead of silencing the alert.",
        ],
    },
    {
        alert: "FalcoReverseShellDetected",
        severity: "critical",
        firesWhen: `a match of a reverse-shell rule (${REVERSE_SHELL_RULES.map((r) => `\`${r}\``).join(", ")})`,
        for: "0m",
        expr: (m) => sidekickEventsSince(m, { rule: oneOf(REVERSE_SHELL_RULES) }),
        summary: `Reverse shell ${EVENT_POD}`,
        description: `Falco rule "{{ $labels.rule }}" saw a shell wired to a network connection ${EVENT_WHERE}: {{ $value }} event(s) in the last ${ALERT_THRESHOLDS.securityEventWindow}.`,
        runbook: [
            "Treat the pod as compromised: isolate it with a deny-all NetworkPolicy and keep it for forensics rather than deleting it.",
            "Find the remote address in the event's output fields and look for other connections to it.",
            "Rotate any credential the pod could read (service-account token, mounted secrets).",
        ],
    },
    {
        alert: "FalcoCryptominingDetected",
        severity: "critical",
        firesWhen: `a match of a crypto-mining rule (${CRYPTOMINING_RULES.map((r) => `\`${r}\``).join(", ")})`,
        for: "0m",
        expr: (m) => sidekickEventsSince(m, { rule: oneOf(CRYPTOMINING_RULES) }),
        summary: `Crypto-mining ${EVENT_POD}`,
        description: `Falco rule "{{ $labels.rule }}" saw a crypto-miner ${EVENT_WHERE}: {{ $value }} event(s) in the last ${ALERT_THRESHOLDS.securityEventWindow}.`,
        runbook: [
            "Stop the workload (scale its owner to zero) and keep the image reference for analysis.",
            "Find how the miner got in: a compromised image, an exposed service, or stolen credentials.",
            "Check the node's CPU and the other pods on it.",
        ],
    },
    {
        alert: "FalcoErrorSecurityEvent",
        severity: "warning",
        firesWhen: `a Falco event of priority error, within ${ALERT_THRESHOLDS.securityEventWindow} of it`,
        for: "0m",
        expr: (m) => sidekickEventsSince(m, { priority: sidekickPriorities(["error"]) }),
        summary: `Falco error-level event: {{ $labels.rule }}`,
        description: `Falco rule "{{ $labels.rule }}" ({{ $labels.priority_raw }}) matched ${EVENT_WHERE}: {{ $value }} event(s) in the last ${ALERT_THRESHOLDS.securityEventWindow}.`,
        runbook: [
            "Read the event's output fields in the falcosidekick web UI or in Loki and decide whether the activity is expected.",
            "Expected: add an exception to the rule. Not expected: handle it as a critical event.",
        ],
    },
    {
        alert: "FalcoHighEventRate",
        severity: "warning",
        firesWhen: `more than ${ALERT_THRESHOLDS.highEventRatePerSecond} rule matches per second on a node, sustained for ${ALERT_THRESHOLDS.highEventRateFor}`,
        for: ALERT_THRESHOLDS.highEventRateFor,
        expr: (m) =>
            `${rateOf(selector(m.ruleMatches), ALERT_THRESHOLDS.highEventRateWindow, [SCRAPE_LABELS.node])} > ${ALERT_THRESHOLDS.highEventRatePerSecond}`,
        summary: "Falco matches more than " + ALERT_THRESHOLDS.highEventRatePerSecond + " events/s on node {{ $labels.node }}",
        description: `Falco on node {{ $labels.node }} has matched {{ printf "%.1f" $value }} events per second for ${ALERT_THRESHOLDS.highEventRateFor}. A noisy rule hides real detections and loads the node.`,
        runbook: [
            "Find the rule: the dashboard's \"Events by rule\" panel, or `topk(5, sum by (rule_name) (rate(falcosecurity_falco_rules_matches_total{node=\"<node>\"}[5m])))`.",
            "Expected activity: add an exception to that rule, or disable it with `falco:disabledRules`. Unexpected: investigate it as a security event.",
        ],
    },
    {
        alert: "FalcoDown",
        severity: "warning",
        firesWhen: `a Falco pod is not scraped (target down, or no target at all), or the DaemonSet has fewer ready pods than nodes (kube-state-metrics), for ${ALERT_THRESHOLDS.downFor}`,
        for: ALERT_THRESHOLDS.downFor,
        expr: (m, p) => {
            const falcoTargets = selector(m.up, { job: SCRAPE_LABELS.job.falco, namespace: p.namespace });
            const daemonSet = { namespace: p.namespace, daemonset: p.daemonSetName };
            return [
                `(${falcoTargets} == 0)`,
                `absent(${falcoTargets})`,
                `(sum by (namespace, daemonset) (${selector(m.daemonSetDesired, daemonSet)}) - sum by (namespace, daemonset) (${selector(m.daemonSetReady, daemonSet)}) > 0)`,
            ].join("\nor\n");
        },
        summary: "Falco is not watching every node",
        description:
            "{{ if $labels.pod }}Prometheus cannot scrape Falco pod {{ $labels.pod }} on node {{ $labels.node }}." +
            "{{ else if $labels.daemonset }}DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} has {{ $value }} node(s) without a ready Falco pod." +
            "{{ else }}Prometheus has no Falco target at all: the metrics Service, the ServiceMonitor or every Falco pod is missing.{{ end }}" +
            " Runtime detection is off where Falco is not running.",
        runbook: [
            "`kubectl -n <namespace> get pods -l app.kubernetes.io/name=falco -o wide` shows which node lacks a running pod.",
            "A crash-looping pod: `kubectl logs --previous`; a rules file Falco cannot load stops it on every node.",
            "Pending: node taints or resources (the DaemonSet tolerates control-plane taints only).",
            "All pods running but no target: check the ServiceMonitor's labels against the Prometheus `serviceMonitorSelector`.",
        ],
    },
    {
        alert: "FalcoHighDropRate",
        severity: "warning",
        firesWhen: `more than ${ALERT_THRESHOLDS.highDropRatio * 100}% of kernel events dropped on a node, for ${ALERT_THRESHOLDS.highDropRateFor}`,
        for: ALERT_THRESHOLDS.highDropRateFor,
        expr: (m) =>
            // Drops over delivered events, as Falco's own n_drops_perc computes it.
            `${rateOf(selector(m.syscallDrops), ALERT_THRESHOLDS.highDropRateWindow, [SCRAPE_LABELS.node])}\n/\n${rateOf(selector(m.syscallEvents), ALERT_THRESHOLDS.highDropRateWindow, [SCRAPE_LABELS.node])}\n> ${ALERT_THRESHOLDS.highDropRatio}`,
        summary: "Falco drops kernel events on node {{ $labels.node }}",
        description: `Falco on node {{ $labels.node }} dropped {{ $value | humanizePercentage }} of kernel events over the last ${ALERT_THRESHOLDS.highDropRateWindow}: events it never saw cannot match any rule.`,
        runbook: [
            "Raise the ring buffer (`falco:driver.bufSizePreset`) or give each CPU its own buffer (`falco:driver.cpusForEachBuffer`), within the node's memory.",
            "Check Falco's CPU on the dashboard: a throttled Falco drains its buffers too slowly (raise its CPU limit).",
            "A noisy rule makes it worse: see FalcoHighEventRate.",
        ],
    },
    {
        alert: "FalcoNoEvents",
        severity: "info",
        firesWhen: `falcosidekick received no event at all for ${ALERT_THRESHOLDS.noEventsWindow}`,
        for: "0m",
        expr: (m) => {
            const events = selector(m.sidekickEvents);
            return `${eventsIn(events, ALERT_THRESHOLDS.noEventsWindow, [])} == 0\nor\nabsent_over_time(${events}[${ALERT_THRESHOLDS.noEventsWindow}])`;
        },
        summary: `No Falco events for ${ALERT_THRESHOLDS.noEventsWindow}`,
        description: `falcosidekick received no Falco event in the last ${ALERT_THRESHOLDS.noEventsWindow}. A cluster always produces some notice-level events, so the pipeline Falco -> falcosidekick may be broken.`,
        runbook: [
            "Check that falcosidekick runs and that Falco's logs show no http_output errors.",
            "Check Falco's http_output URL (`<release>-falcosidekick:2801`) and the NetworkPolicies between them.",
            "A quiet homelab at night can be legitimately silent: this alert is informational.",
        ],
    },
];

function runbookUrl(base: string, alert: AlertName): string {
    return `${base}#${alert.toLowerCase()}`;
}

/** The rule groups of the PrometheusRule. Pure; `metrics` is a parameter so tests can break a name on purpose. */
export function falcoAlertRuleGroups(params: AlertParams, metrics: MetricCatalogue = METRICS): RuleGroup[] {
    return [
        {
            name: ALERT_GROUP_NAME,
            rules: ALERT_SPECS.map((spec) => ({
                alert: spec.alert,
                expr: spec.expr(metrics, params),
                for: spec.for,
                labels: { severity: spec.severity },
                annotations: {
                    summary: spec.summary,
                    description: spec.description,
                    runbook_url: runbookUrl(params.runbookBaseUrl, spec.alert),
                },
            })),
        },
    ];
}
