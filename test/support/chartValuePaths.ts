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
 * Keys chart 8.0.1 documents in values.yaml only as a commented example, so
 * they are absent from the parsed defaults, yet the chart passes them through:
 * every `falco.*` value is written into falco.yaml (the chart's helpers add
 * keys such as `falco.engine` the same way). The upstream test checks each one
 * is still documented in the values file's comments.
 */
export const COMMENTED_VALUE_PATHS: Record<string, RegExp> = {
    // "# [Incubating] `rules`" ... "# rules:" / "#   - disable:" in the falco section.
    "falco.rules": /^ {2}# \[Incubating\] `rules`$[\s\S]*?^ {2}# rules:$\n^ {2}#   - disable:$/m,
};

/**
 * Chart 8.0.1 reads `falcosidekick.*` both itself (enabled, fullfqdn, listenPort)
 * and as the falcosidekick subchart's values.
 */
export function unknownFalcoChartPaths(values: Record<string, unknown>, falcoDefaults: any, sidekickDefaults: any): string[] {
    const { falcosidekick, ...rest } = values;
    const problems = unknownValuePaths(rest, falcoDefaults).filter((keyPath) => !(keyPath in COMMENTED_VALUE_PATHS));
    if (falcosidekick !== undefined) {
        const merged = { ...sidekickDefaults, ...falcoDefaults.falcosidekick };
        problems.push(...unknownValuePaths(falcosidekick, merged, "falcosidekick"));
    }
    return problems;
}
