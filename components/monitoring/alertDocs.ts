import { ALERT_SPECS, PROMETHEUS_RULE_NAME } from "./alerts";

/** README text generated from the alert table itself (`npm run docs`), so docs and rules cannot drift. */

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function alertsTableMarkdown(): string {
    const rows = ALERT_SPECS.map(
        (a) => `| ${a.severity} | [\`${a.alert}\`](#${a.alert.toLowerCase()}) | ${cell(a.firesWhen)} | ${a.for === "0m" ? "at once" : a.for} |`,
    );
    return [`PrometheusRule \`${PROMETHEUS_RULE_NAME}\`:`, "", "| Severity | Alert | Fires when | For |", "|---|---|---|---|", ...rows].join("\n");
}

/** One heading per alert: the anchors the alerts' runbook_url annotations point to. */
export function alertRunbooksMarkdown(): string {
    return ALERT_SPECS.map((a) => [`#### ${a.alert}`, "", `${a.severity}: fires when ${a.firesWhen}.`, "", ...a.runbook.map((step, i) => `${i + 1}. ${step}`)].join("\n")).join("\n\n");
}
