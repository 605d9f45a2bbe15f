import type { CpuMemory, ResourceSpec, StackConfig } from "./config/stackConfig";

/**
 * The chart this program installs. One place for its coordinates: the
 * component, the stack outputs, the README and the tests read them from here.
 */
export const FALCO_CHART = {
    name: "falco",
    version: "8.0.1",
    appVersion: "0.43.0",
    repo: "https://falcosecurity.github.io/charts",
    /** The falcosidekick subchart 8.0.1 resolves (`0.12.*`), and the images it runs. */
    sidekickChartVersion: "0.12.1",
    sidekickAppVersion: "2.32.0",
} as const;

/** Ports the chart's Services listen on; NetworkPolicies, monitors and docs read them from here. */
export const PORTS = {
    falcoMetrics: 8765,
    sidekick: 2801,
    webui: 2802,
    redis: 6379,
} as const;

/** Alertmanager v1 API was removed in Alertmanager 0.27; falcosidekick still defaults to it. */
export const ALERTMANAGER_API_PATH = "/api/v2/alerts";
export const LOKI_PUSH_PATH = "/loki/api/v1/push";

/*
 * Typed subset of chart 8.0.1's values (and falcosidekick 0.12.1's under
 * `falcosidekick`) that this program sets. A key that is not declared here
 * fails `tsc`; a declared key that the chart does not read fails the
 * upstream-values test.
 */

export interface Toleration {
    key: string;
    operator?: "Exists" | "Equal";
    effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

export interface FalcoChartValues {
    driver: {
        kind: StackConfig["driver"]["kind"];
        modernEbpf?: { bufSizePreset: number; cpusForEachBuffer: number };
        ebpf?: { bufSizePreset: number };
        kmod?: { bufSizePreset: number };
    };
    resources: ResourceSpec;
    tolerations: Toleration[];
    metrics: {
        enabled: boolean;
        rulesCountersEnabled: boolean;
        resourceUtilizationEnabled: boolean;
        kernelEventCountersEnabled: boolean;
        /** Prometheus output is always bytes, but the falco.yaml copy of the setting should say so too. */
        convertMemoryToMB: boolean;
    };
    falcosidekick: SidekickValues;
}

export interface SidekickValues {
    enabled: boolean;
    replicaCount: number;
    resources: ResourceSpec;
    config: {
        alertmanager: { hostport: string; endpoint: string; minimumpriority: string };
        loki: { hostport: string; endpoint: string; minimumpriority: string; grafanaDashboard: { enabled: boolean } };
    };
    webui: {
        enabled: boolean;
        replicaCount: number;
        ttl: string;
        resources: ResourceSpec;
        initContainer: { resources: ResourceSpec };
        redis: {
            storageEnabled: boolean;
            storageSize: string;
            storageClass: string;
            customConfig: string[];
            resources: ResourceSpec;
        };
    };
}

function resources(spec: ResourceSpec): ResourceSpec {
    const copy = (cm: CpuMemory): CpuMemory => ({ cpu: cm.cpu, memory: cm.memory });
    return { requests: copy(spec.requests), limits: copy(spec.limits) };
}

function driverValues(driver: StackConfig["driver"]): FalcoChartValues["driver"] {
    switch (driver.kind) {
        case "modern_ebpf":
            return { kind: "modern_ebpf", modernEbpf: { bufSizePreset: driver.bufSizePreset, cpusForEachBuffer: driver.cpusForEachBuffer } };
        case "ebpf":
            return { kind: "ebpf", ebpf: { bufSizePreset: driver.bufSizePreset } };
        case "kmod":
            return { kind: "kmod", kmod: { bufSizePreset: driver.bufSizePreset } };
    }
}

/** Builds the chart values from validated configuration. Pure: same input, same output. */
export function falcoValues(config: StackConfig): FalcoChartValues {
    return {
        driver: driverValues(config.driver),
        resources: resources(config.resources.falco),
        // Falco must watch every node, control-plane nodes included.
        tolerations: [
            { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
            { key: "node-role.kubernetes.io/master", operator: "Exists", effect: "NoSchedule" },
        ],
        metrics: {
            enabled: true,
            rulesCountersEnabled: true,
            resourceUtilizationEnabled: true,
            kernelEventCountersEnabled: true,
            convertMemoryToMB: false,
        },
        falcosidekick: {
            // With the subchart enabled, chart 8.0.1 turns on Falco's json_output and
            // http_output towards http://<release>-falcosidekick:2801 (gRPC output is deprecated).
            enabled: true,
            replicaCount: config.sidekick.replicas,
            resources: resources(config.resources.sidekick),
            config: {
                alertmanager: {
                    hostport: config.alertmanager.url,
                    endpoint: ALERTMANAGER_API_PATH,
                    // Always explicit: falcosidekick treats "" or a misspelling as the lowest priority.
                    minimumpriority: config.alertmanager.minimumPriority,
                },
                loki: {
                    hostport: config.loki.url,
                    endpoint: LOKI_PUSH_PATH,
                    minimumpriority: config.loki.minimumPriority,
                    // The stack ships its own dashboard; the subchart's would be a second, unmanaged one.
                    grafanaDashboard: { enabled: false },
                },
            },
            webui: {
                enabled: true,
                replicaCount: config.webui.replicas,
                ttl: config.webui.ttl,
                resources: resources(config.resources.webui),
                initContainer: { resources: resources(config.resources.webuiInit) },
                redis: {
                    storageEnabled: true,
                    storageSize: config.redis.storageSize,
                    storageClass: config.redis.storageClass,
                    customConfig: [`maxmemory ${config.redis.maxmemory}`, `maxmemory-policy ${config.redis.maxmemoryPolicy}`],
                    resources: resources(config.resources.redis),
                },
            },
        },
    };
}
