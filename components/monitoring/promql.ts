import { MetricDefinition } from "./metrics";

/**
 * A few typed PromQL builders. Queries are text in the end, but every metric
 * name in them comes from the catalogue, and label values are quoted in one place.
 */

export type LabelMatcher = string | { regex: string } | { not: string };

/** Escapes a literal for use inside a PromQL regular expression (RE2). */
export function regexLiteral(text: string): string {
    return text.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}

/** A regex matcher that matches exactly one of the given literals. */
export function oneOf(values: readonly string[]): { regex: string } {
    return { regex: values.map(regexLiteral).join("|") };
}

/** PromQL string literal: PromQL accepts Go's escapes, which JSON's are a subset of. */
function quote(value: string): string {
    return JSON.stringify(value);
}

export function selector(metric: MetricDefinition, matchers: Record<string, LabelMatcher> = {}): string {
    const parts = Object.entries(matchers).map(([label, m]) => {
        if (typeof m === "string") {
            return `${label}=${quote(m)}`;
        }
        if ("regex" in m) {
            return `${label}=~${quote(m.regex)}`;
        }
        return `${label}!=${quote(m.not)}`;
    });
    return parts.length ? `${metric.name}{${parts.join(", ")}}` : metric.name;
}

function by(labels: readonly string[]): string {
    return labels.length ? ` by (${labels.join(", ")})` : "";
}

/**
 * Events counted by a counter in the last `window`, summed by `labels`.
 *
 * Falco and falcosidekick create a counter series at its first event, so the
 * series appears already at 1 and `increase()` never sees that first event - yet
 * a first event (a new rule in a new pod) is exactly what a security alert is
 * about. The difference against `offset`, with absent past values taken as 0,
 * counts it. A counter reset (Falco restarted in the same pod) is clamped to 0
 * rather than counted negative.
 */
export function eventsIn(counterSelector: string, window: string, labels: readonly string[]): string {
    return `sum${by(labels)} (clamp_min(${counterSelector} - (${counterSelector} offset ${window} or ${counterSelector} * 0), 0))`;
}

export function rateOf(counterSelector: string, window: string, labels: readonly string[]): string {
    return `sum${by(labels)} (rate(${counterSelector}[${window}]))`;
}
