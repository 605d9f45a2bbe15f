import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { PROJECT_FILE, projectPath } from "../../components/projectRoot";

/*
 * What the sizing policies read: the values this program hands to the falco
 * chart (components/falcoValues.ts), as the inputs of the Helm v4 Chart resource.
 */

export const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

/** The values of a falco chart resource, or undefined for any other resource. */
export function falcoChartValues(type: string, props: Record<string, any>): Record<string, any> | undefined {
    if (type !== CHART_TYPE || props?.chart !== "falco" || typeof props.values !== "object" || props.values === null) {
        return undefined;
    }
    return props.values;
}

/** redis' `maxmemory` from the web UI redis' customConfig lines ("maxmemory 1000mb"). */
export function redisMaxmemory(values: Record<string, any>): string | undefined {
    const lines: unknown = values.falcosidekick?.webui?.redis?.customConfig;
    if (!Array.isArray(lines)) {
        return undefined;
    }
    for (const line of lines) {
        const match = typeof line === "string" ? /^\s*maxmemory\s+(\S+)\s*$/.exec(line) : null;
        if (match) {
            return match[1];
        }
    }
    return undefined;
}

/** The driver settings chart 8.0.1 turns into Falco's engine section. */
export function driverSizing(values: Record<string, any>): { kind: string; bufSizePreset: number; cpusForEachBuffer: number } | undefined {
    const driver = values.driver;
    const kind = driver?.kind;
    const section = kind === "modern_ebpf" ? driver.modernEbpf : kind === "ebpf" ? driver.ebpf : kind === "kmod" ? driver.kmod : undefined;
    if (!section || typeof section.bufSizePreset !== "number") {
        return undefined;
    }
    return { kind, bufSizePreset: section.bufSizePreset, cpusForEachBuffer: typeof section.cpusForEachBuffer === "number" ? section.cpusForEachBuffer : 2 };
}

/**
 * The node CPU count the pack assumes unless its config says otherwise: the
 * default of `falco:nodeAllocatable.cpu` in the project's Pulumi.yaml, so the
 * number is written once. The pack cannot see the stack's own configuration.
 */
export function defaultNodeCpu(projectFile = projectPath(PROJECT_FILE)): string {
    const project = YAML.parse(fs.readFileSync(projectFile, "utf8"));
    return String(project.config["falco:nodeAllocatable"].default.cpu);
}
