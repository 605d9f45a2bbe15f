/**
 * Finds value paths a chart would silently ignore: every key path we set must
 * exist in the chart's own values.yaml. Below a map that the chart declares
 * empty (`resources: {}`, `podLabels: {}`), it passes keys through verbatim,
 * so anything is accepted there. Lists are leaves.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function unknownValuePaths(ours: unknown, upstream: unknown, prefix = ""): string[] {
    if (!isPlainObject(ours)) {
        return [];
    }
    if (isPlainObject(upstream) && Object.keys(upstream).length === 0) {
        return []; // pass-through map
    }
    const problems: string[] = [];
    for (const [key, value] of Object.entries(ours)) {
        const keyPath = prefix ? `${prefix}.${key}` : key;
        if (!isPlainObject(upstream) || !(key in upstream)) {
            problems.push(keyPath);
            continue;
        }
        problems.push(...unknownValuePaths(value, upstream[key], keyPath));
    }
    return problems;
}

/**
 * Chart 8.0.1 reads `falcosidekick.*` both itself (enabled, fullfqdn, listenPort)
 * and as the falcosidekick subchart's values.
 */
export function unknownFalcoChartPaths(values: Record<string, unknown>, falcoDefaults: any, sidekickDefaults: any): string[] {
    const { falcosidekick, ...rest } = values;
    const problems = unknownValuePaths(rest, falcoDefaults);
    if (falcosidekick !== undefined) {
        const merged = { ...sidekickDefaults, ...falcoDefaults.falcosidekick };
        problems.push(...unknownValuePaths(falcosidekick, merged, "falcosidekick"));
    }
    return problems;
}
