/**
 * promtool unit tests for the generated alert rules: synthetic series in which
 * each alert fires on its bad scenario after its `for:`, with the right labels
 * and annotations, and stays silent on healthy ones.
 *
 * Metric names, labels and expected texts are written out here on purpose, not
 * taken from the catalogue: a wrong name in the generator must make these
 * series miss the rules, and the test fail.
 */

const RUNBOOK = "README.md"; // homelab falco:monitoring.runbookBaseUrl
const NS = "falco";

const SIDEKICK_EVENTS = "falcosecurity_falcosidekick_falco_events_total";
const RULE_MATCHES = "falcosecurity_falco_rules_matches_total";
const SCAP_EVENTS = "falcosecurity_scap_n_evts_total";
const SCAP_DROPS = "falcosecurity_scap_n_drops_total";

type Labels = Record<string, string>;

function series(name: string, labels: Labels): string {
    return `${name}{${Object.entries(labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(",")}}`;
}

interface InputSeries {
    series: string;
    values: string;
}

interface ExpectedAlert {
    exp_labels: Labels;
    exp_annotations: Labels;
}

interface AlertCheck {
    eval_time: string;
    alertname: string;
    exp_alerts: ExpectedAlert[];
}

export interface PromtoolTestGroup {
    name: string;
    interval: string;
    input_series: InputSeries[];
    alert_rule_test: AlertCheck[];
}

/** A falcosidekick replica's scrape labels plus one event's labels. */
function sidekickEvent(event: { rule: string; priority: string; priority_raw: string; hostname: string; ns: string; pod: string }, replica = "falco-falcosidekick-5c9d7-abcde"): string {
    return series(SIDEKICK_EVENTS, {
        job: "falcosidekick",
        namespace: NS,
        pod: replica,
        instance: "10.42.1.8:2801",
        node: "pi-1",
        hostname: event.hostname,
        rule: event.rule,
        priority: event.priority,
        priority_raw: event.priority_raw,
        source: "syscall",
        k8s_ns_name: event.ns,
        k8s_pod_name: event.pod,
    });
}

function falcoTarget(name: string, node: string, extra: Labels = {}): string {
    return series(name, { job: "falco", namespace: NS, pod: `falco-${node}`, instance: `10.42.0.${node.slice(-1)}:8765`, node, ...extra });
}

function daemonSet(desired: number, ready: number, points: number): InputSeries[] {
    const ksm = { job: "kube-state-metrics", namespace: NS, daemonset: "falco" };
    return [
        { series: series("kube_daemonset_status_desired_number_scheduled", ksm), values: `${desired}x${points}` },
        { series: series("kube_daemonset_status_number_ready", ksm), values: `${ready}x${points}` },
    ];
}

function allFalcoUp(nodes: string[], points: number): InputSeries[] {
    return nodes.map((node) => ({ series: falcoTarget("up", node), values: `1x${points}` }));
}

const silent = (alertname: string, eval_time: string): AlertCheck => ({ alertname, eval_time, exp_alerts: [] });

/** An alert's labels from an event; Prometheus drops empty labels (a host event has no namespace or pod). */
const eventLabels = (e: { rule: string; priority_raw: string; hostname: string; ns: string; pod: string }): Labels => {
    const labels: Labels = { rule: e.rule, priority_raw: e.priority_raw, hostname: e.hostname, k8s_ns_name: e.ns, k8s_pod_name: e.pod };
    return Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== ""));
};

const ESCAPE = { rule: "Detect release_agent File Container Escapes", priority: "6", priority_raw: "critical", hostname: "pi-2", ns: "web", pod: "shop-6d5f-x2x9q" };
const HOST_ALERT = { rule: "Linux Kernel Module Injection Detected", priority: "7", priority_raw: "alert", hostname: "pi-3", ns: "", pod: "" };
const REVERSE_SHELL = { rule: "Reverse Shell Detected", priority: "6", priority_raw: "critical", hostname: "pi-4", ns: "media", pod: "jellyfin-0" };
const MINER = { rule: "Detect Cryptocurrency Mining", priority: "6", priority_raw: "critical", hostname: "pi-5", ns: "ci", pod: "runner-7b9-kq2lp" };
const ERROR_EVENT = { rule: "Homelab error rule", priority: "5", priority_raw: "error", hostname: "pi-1", ns: "db", pod: "postgres-0" };
const NOTICE = { rule: "Redirect STDOUT/STDIN to Network Connection in Container", priority: "3", priority_raw: "notice", hostname: "pi-1", ns: "web", pod: "nginx-0" };

export function promtoolTestGroups(): PromtoolTestGroup[] {
    return [
        {
            name: "first critical event of a new series fires at once, in a pod and on a host",
            interval: "30s",
            input_series: [
                // Absent until 5m: the counter series is created by the event itself, at 1.
                { series: sidekickEvent(ESCAPE), values: "_x10 1x30" },
                { series: sidekickEvent(HOST_ALERT), values: "_x10 1x30" },
            ],
            alert_rule_test: [
                silent("FalcoCriticalSecurityEvent", "4m30s"),
                {
                    eval_time: "5m",
                    alertname: "FalcoCriticalSecurityEvent",
                    exp_alerts: [
                        {
                            exp_labels: { severity: "critical", ...eventLabels(ESCAPE) },
                            exp_annotations: {
                                summary: "Falco critical event: Detect release_agent File Container Escapes",
                                description: 'Falco rule "Detect release_agent File Container Escapes" (critical) matched in pod web/shop-6d5f-x2x9q on node pi-2: 1 event(s) in the last 5m.',
                                runbook_url: `${RUNBOOK}#falcocriticalsecurityevent`,
                            },
                        },
                        {
                            exp_labels: { severity: "critical", ...eventLabels(HOST_ALERT) },
                            exp_annotations: {
                                summary: "Falco critical event: Linux Kernel Module Injection Detected",
                                description: 'Falco rule "Linux Kernel Module Injection Detected" (alert) matched outside any pod on node pi-3: 1 event(s) in the last 5m.',
                                runbook_url: `${RUNBOOK}#falcocriticalsecurityevent`,
                            },
                        },
                    ],
                },
                // Resolved once the event is older than the window.
                silent("FalcoCriticalSecurityEvent", "10m30s"),
                silent("FalcoErrorSecurityEvent", "5m"),
                silent("FalcoReverseShellDetected", "5m"),
            ],
        },
        {
            name: "critical events counted across falcosidekick replicas",
            interval: "30s",
            input_series: [
                // "2x19" is 20 samples: each replica counts one more event at 10m.
                { series: sidekickEvent(ESCAPE), values: "2x19 3x20" },
                { series: sidekickEvent(ESCAPE, "falco-falcosidekick-5c9d7-fghij"), values: "1x19 2x20" },
            ],
            alert_rule_test: [
                silent("FalcoCriticalSecurityEvent", "9m30s"),
                {
                    eval_time: "10m",
                    alertname: "FalcoCriticalSecurityEvent",
                    exp_alerts: [
                        {
                            exp_labels: { severity: "critical", ...eventLabels(ESCAPE) },
                            exp_annotations: {
                                summary: "Falco critical event: Detect release_agent File Container Escapes",
                                description: 'Falco rule "Detect release_agent File Container Escapes" (critical) matched in pod web/shop-6d5f-x2x9q on node pi-2: 2 event(s) in the last 5m.',
                                runbook_url: `${RUNBOOK}#falcocriticalsecurityevent`,
                            },
                        },
                    ],
                },
            ],
        },
        {
            name: "reverse shell",
            interval: "30s",
            input_series: [{ series: sidekickEvent(REVERSE_SHELL), values: "_x4 1x20" }],
            alert_rule_test: [
                silent("FalcoReverseShellDetected", "1m30s"),
                {
                    eval_time: "2m",
                    alertname: "FalcoReverseShellDetected",
                    exp_alerts: [
                        {
                            exp_labels: { severity: "critical", ...eventLabels(REVERSE_SHELL) },
                            exp_annotations: {
                                summary: "Reverse shell in pod media/jellyfin-0",
                                description: 'Falco rule "Reverse Shell Detected" saw a shell wired to a network connection in pod media/jellyfin-0 on node pi-4: 1 event(s) in the last 5m.',
                                runbook_url: `${RUNBOOK}#falcoreverseshelldetected`,
                            },
                        },
                    ],
                },
                silent("FalcoCryptominingDetected", "2m"),
            ],
        },
        {
            name: "crypto-mining",
            interval: "30s",
            input_series: [{ series: sidekickEvent(MINER), values: "_x4 1x20" }],
            alert_rule_test: [
                {
                    eval_time: "2m",
                    alertname: "FalcoCryptominingDetected",
                    exp_alerts: [
                        {
                            exp_labels: { severity: "critical", ...eventLabels(MINER) },
                            exp_annotations: {
                                summary: "Crypto-mining in pod ci/runner-7b9-kq2lp",
                                description: 'Falco rule "Detect Cryptocurrency Mining" saw a crypto-miner in pod ci/runner-7b9-kq2lp on node pi-5: 1 event(s) in the last 5m.',
                                runbook_url: `${RUNBOOK}#falcocryptominingdetected`,
                            },
                        },
                    ],
                },
                silent("FalcoReverseShellDetected", "2m"),
            ],
        },
        {
            name: "error-level event on an existing series",
            interval: "30s",
            input_series: [{ series: sidekickEvent(ERROR_EVENT), values: "3x15 4x20" }],
            alert_rule_test: [
                silent("FalcoErrorSecurityEvent", "7m30s"),
                {
                    eval_time: "8m",
                    alertname: "FalcoErrorSecurityEvent",
                    exp_alerts: [
                        {
                            exp_labels: { severity: "warning", ...eventLabels(ERROR_EVENT) },
                            exp_annotations: {
                                summary: "Falco error-level event: Homelab error rule",
                                description: 'Falco rule "Homelab error rule" (error) matched in pod db/postgres-0 on node pi-1: 1 event(s) in the last 5m.',
                                runbook_url: `${RUNBOOK}#falcoerrorsecurityevent`,
                            },
                        },
                    ],
                },
                silent("FalcoCriticalSecurityEvent", "8m"),
            ],
        },
        {
            name: "high event rate on one node, sustained for 10m",
            interval: "30s",
            // rate() over 5m of a counter that starts with the test crosses 10/s at 3m30s
            // (Prometheus extrapolates little at the start of a series); `for` counts from there.
            input_series: [
                // 450 matches per 30s = 15 per second.
                { series: falcoTarget(RULE_MATCHES, "pi-2", { rule_name: "Read sensitive file untrusted", priority: "4", source: "syscall" }), values: "0+450x40" },
                { series: falcoTarget(RULE_MATCHES, "pi-3", { rule_name: "Read sensitive file untrusted", priority: "4", source: "syscall" }), values: "0+15x40" },
            ],
            alert_rule_test: [
                silent("FalcoHighEventRate", "13m"),
                {
                    eval_time: "13m30s",
                    alertname: "FalcoHighEventRate",
                    exp_alerts: [
                        {
                            exp_labels: { severity: "warning", node: "pi-2" },
                            exp_annotations: {
                                summary: "Falco matches more than 10 events/s on node pi-2",
                                description:
                                    "Falco on node pi-2 has matched 15.0 events per second for 10m. A noisy rule hides real detections and loads the node.",
                                runbook_url: `${RUNBOOK}#falcohigheventrate`,
                            },
                        },
                    ],
                },
            ],
        },
        {
            name: "a Falco pod stops answering scrapes",
            interval: "30s",
            input_series: [
                { series: falcoTarget("up", "pi-4"), values: "1x4 0x30" },
                ...allFalcoUp(["pi-1", "pi-2"], 35),
                ...daemonSet(3, 3, 35),
            ],
            alert_rule_test: [
                // Down from 2m30s; firing after `for: 5m`.
                silent("FalcoDown", "7m"),
                {
                    eval_time: "7m30s",
                    alertname: "FalcoDown",
                    exp_alerts: [
                        {
                            exp_labels: { severity: "warning", job: "falco", namespace: NS, pod: "falco-pi-4", instance: "10.42.0.4:8765", node: "pi-4" },
                            exp_annotations: {
                                summary: "Falco is not watching every node",
                                description: "Prometheus cannot scrape Falco pod falco-pi-4 on node pi-4. Runtime detection is off where Falco is not running.",
                                runbook_url: `${RUNBOOK}#falcodown`,
                            },
                        },
                    ],
                },
            ],
        },
        {
            name: "a node without a ready Falco pod (kube-state-metrics)",
            interval: "30s",
            input_series: [...allFalcoUp(["pi-1", "pi-2", "pi-3", "pi-4"], 30), ...daemonSet(5, 4, 30)],
            alert_rule_test: [
                silent("FalcoDown", "4m30s"),
                {
                    eval_time: "5m",
                    alertname: "FalcoDown",
                    exp_alerts: [
                        {
                            exp_labels: { severity: "warning", namespace: NS, daemonset: "falco" },
                            exp_annotations: {
                                summary: "Falco is not watching every node",
                                description: "DaemonSet falco/falco has 1 node(s) without a ready Falco pod. Runtime detection is off where Falco is not running.",
                                runbook_url: `${RUNBOOK}#falcodown`,
                            },
                        },
                    ],
                },
            ],
        },
        {
            name: "no Falco target at all",
            interval: "30s",
            input_series: daemonSet(5, 5, 30),
            alert_rule_test: [
                silent("FalcoDown", "4m30s"),
                {
                    eval_time: "5m",
                    alertname: "FalcoDown",
                    exp_alerts: [
                        {
                            exp_labels: { severity: "warning", job: "falco", namespace: NS },
                            exp_annotations: {
                                summary: "Falco is not watching every node",
                                description:
                                    "Prometheus has no Falco target at all: the metrics Service, the ServiceMonitor or every Falco pod is missing. Runtime detection is off where Falco is not running.",
                                runbook_url: `${RUNBOOK}#falcodown`,
                            },
                        },
                    ],
                },
            ],
        },
        {
            name: "2% of kernel events dropped on one node",
            interval: "30s",
            input_series: [
                { series: falcoTarget(SCAP_EVENTS, "pi-3"), values: "0+10000x40" },
                { series: falcoTarget(SCAP_DROPS, "pi-3"), values: "0+200x40" },
                { series: falcoTarget(SCAP_EVENTS, "pi-1"), values: "0+10000x40" },
                { series: falcoTarget(SCAP_DROPS, "pi-1"), values: "0+50x40" },
            ],
            alert_rule_test: [
                silent("FalcoHighDropRate", "10m"),
                {
                    eval_time: "10m30s",
                    alertname: "FalcoHighDropRate",
                    exp_alerts: [
                        {
                            exp_labels: { severity: "warning", node: "pi-3" },
                            exp_annotations: {
                                summary: "Falco drops kernel events on node pi-3",
                                description:
                                    "Falco on node pi-3 dropped 2% of kernel events over the last 5m: events it never saw cannot match any rule.",
                                runbook_url: `${RUNBOOK}#falcohighdroprate`,
                            },
                        },
                    ],
                },
            ],
        },
        {
            name: "events stop for 15 minutes",
            interval: "30s",
            input_series: [{ series: sidekickEvent(NOTICE), values: "0+1x4 5x40" }],
            alert_rule_test: [
                // The last event is at 2m30s.
                silent("FalcoNoEvents", "17m"),
                {
                    eval_time: "17m30s",
                    alertname: "FalcoNoEvents",
                    exp_alerts: [
                        {
                            exp_labels: { severity: "info" },
                            exp_annotations: {
                                summary: "No Falco events for 15m",
                                description:
                                    "falcosidekick received no Falco event in the last 15m. A cluster always produces some notice-level events, so the pipeline Falco -> falcosidekick may be broken.",
                                runbook_url: `${RUNBOOK}#falconoevents`,
                            },
                        },
                    ],
                },
            ],
        },
        {
            name: "falcosidekick never reported an event",
            interval: "30s",
            input_series: daemonSet(5, 5, 10),
            alert_rule_test: [
                {
                    eval_time: "1m",
                    alertname: "FalcoNoEvents",
                    exp_alerts: [
                        {
                            exp_labels: { severity: "info" },
                            exp_annotations: {
                                summary: "No Falco events for 15m",
                                description:
                                    "falcosidekick received no Falco event in the last 15m. A cluster always produces some notice-level events, so the pipeline Falco -> falcosidekick may be broken.",
                                runbook_url: `${RUNBOOK}#falconoevents`,
                            },
                        },
                    ],
                },
            ],
        },
        {
            name: "healthy: steady low event rate, 0.5% drops, all nodes up",
            interval: "30s",
            input_series: [
                ...["pi-1", "pi-2", "pi-3", "pi-4", "pi-5"].flatMap((node) => [
                    { series: falcoTarget("up", node), values: "1x60" },
                    // 0.5 matches per second per node.
                    { series: falcoTarget(RULE_MATCHES, node, { rule_name: NOTICE.rule, priority: "5", source: "syscall" }), values: "0+15x60" },
                    { series: falcoTarget(SCAP_EVENTS, node), values: "0+10000x60" },
                    // 0.5% of events dropped.
                    { series: falcoTarget(SCAP_DROPS, node), values: "0+50x60" },
                ]),
                ...daemonSet(5, 5, 60),
                { series: sidekickEvent(NOTICE), values: "0+15x60" },
            ],
            alert_rule_test: ["20m", "29m"].flatMap((t) =>
                [
                    "FalcoCriticalSecurityEvent",
                    "FalcoReverseShellDetected",
                    "FalcoCryptominingDetected",
                    "FalcoErrorSecurityEvent",
                    "FalcoHighEventRate",
                    "FalcoDown",
                    "FalcoHighDropRate",
                    "FalcoNoEvents",
                ].map((alert) => silent(alert, t)),
            ),
        },
    ];
}

export function promtoolTestFile(ruleFile: string): Record<string, unknown> {
    return { rule_files: [ruleFile], evaluation_interval: "30s", tests: promtoolTestGroups() };
}
