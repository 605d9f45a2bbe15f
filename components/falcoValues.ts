import type { CpuMemory, ResourceSpec, StackConfig } from "./config/stackConfig";
import { credentialSecretNames } from "./credentials";
import { ContainerSecurityContext, PodSecurityContext, restrictedContainer, restrictedPod, ROTATION_ANNOTATION } from "./podSecurity";
import type { FalcoRules } from "./rules";
import { CONTAINER_PLUGIN_REF } from "./rules/rulesSources";
import type { RuleSelector } from "./rules/tuning";

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

/**
 * The Falco container image chart 8.0.1 runs with our values: its falco.image
 * helper joins image.registry (docker.io), image.repository (falcosecurity/falco)
 * and image.tag, which defaults to the chart's appVersion; falcoValues() sets no
 * image.tag. Gatekeeper exemptions (policies/constraints) name exactly this image.
 */
export const FALCO_IMAGE = `docker.io/falcosecurity/falco:${FALCO_CHART.appVersion}` as const;

/**
 * Requests and limits of the falcoctl init container (artifact install) and
 * sidecar (artifact follow): a Go binary that downloads and unpacks rules and
 * plugin artifacts of a few MB; 128Mi leaves room for the OCI layers in flight.
 */
export const FALCOCTL_RESOURCES: ResourceSpec = { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } };

/**
 * The driver loader init container chart 8.0.1 adds for every driver but modern_ebpf
 * (helper `driverLoader.enabled`): falco.driverLoader.image joins registry docker.io,
 * repository falcosecurity/falco-driver-loader and the appVersion tag. The chart runs it
 * privileged for kmod, and gives it no resources unless the values do: a cluster that
 * requires requests and limits would refuse every Falco pod, so the program sets these
 * (a download and an insmod or probe copy; an estimate, not a measurement).
 */
export const FALCO_DRIVER_LOADER_IMAGE = `docker.io/falcosecurity/falco-driver-loader:${FALCO_CHART.appVersion}` as const;
export const DRIVER_LOADER_RESOURCES: ResourceSpec = { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } };

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
        modernEbpf?: { bufSizePreset: number; cpusForEachBuffer: number; leastPrivileged: boolean };
        ebpf?: { bufSizePreset: number; leastPrivileged: boolean };
        kmod?: { bufSizePreset: number };
        loader?: { initContainer: { resources: ResourceSpec } };
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
    /** Only the driver loader's `auto` kind reads/updates ConfigMaps through this RBAC; the kind is always explicit here. */
    rbac: { create: false };
    /** Custom rules files (name -> YAML); the chart mounts them at /etc/falco/rules.d. */
    customRules?: Record<string, string>;
    /** The container plugin chart 8.0.1 loads; written out so every artifact Falco runs is visible. */
    collectors?: { containerEngine: { pluginRef: string } };
    /** Which rules and plugins falcoctl installs, and whether it follows a floating tag. */
    falcoctl?: {
        artifact: { follow: { enabled: boolean; resources?: ResourceSpec }; install?: { resources: ResourceSpec } };
        config: { artifact: { install: { refs: string[] }; follow: { refs: string[] } } };
    };
    /** Passed through to falco.yaml: `rules` selectors (documented in the chart's values as a comment). */
    falco?: { rules?: RuleSelector[] };
}

/**
 * Chart 0.12.1 wires redis' envFrom (our Secret, via webui.redis.existingSecret)
 * only when webui.redis.password is non-empty. This switch turns that on; it is
 * not a credential. It also lands in the chart's own `-ui` Secret, where the
 * web UI's envFrom of webui.existingSecret, listed after it, overrides it.
 */
export const REDIS_PASSWORD_SWITCH = "from-existing-secret";

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
        initContainer: { resources: ResourceSpec; securityContext: ContainerSecurityContext };
        redis: {
            image: { registry: string; repository: string; tag: string };
            storageEnabled: boolean;
            storageSize: string;
            storageClass: string;
            customConfig: string[];
            resources: ResourceSpec;
            existingSecret: string;
            password: typeof REDIS_PASSWORD_SWITCH;
            podAnnotations: Record<string, string>;
            podSecurityContext: PodSecurityContext;
            securityContext: ContainerSecurityContext;
        };
        /** Empty: the chart's own Secret then carries no login; ours (existingSecret) does. */
        user: "";
        disableauth: false;
        existingSecret: string;
        podAnnotations: Record<string, string>;
        securityContext: ContainerSecurityContext;
    };
    securityContext: ContainerSecurityContext;
}

function resources(spec: ResourceSpec): ResourceSpec {
    const copy = (cm: CpuMemory): CpuMemory => ({ cpu: cm.cpu, memory: cm.memory });
    return { requests: copy(spec.requests), limits: copy(spec.limits) };
}

function driverValues(driver: StackConfig["driver"]): FalcoChartValues["driver"] {
    switch (driver.kind) {
        // leastPrivileged: chart 8.0.1 then grants capabilities instead of `privileged` and itself
        // annotates the pod `container.apparmor.security.beta.kubernetes.io/falco: unconfined`.
        case "modern_ebpf":
            return {
                kind: "modern_ebpf",
                modernEbpf: { bufSizePreset: driver.bufSizePreset, cpusForEachBuffer: driver.cpusForEachBuffer, leastPrivileged: driver.leastPrivileged },
            };
        case "ebpf":
            return {
                kind: "ebpf",
                ebpf: { bufSizePreset: driver.bufSizePreset, leastPrivileged: driver.leastPrivileged },
                loader: { initContainer: { resources: resources(DRIVER_LOADER_RESOURCES) } },
            };
        case "kmod":
            return { kind: "kmod", kmod: { bufSizePreset: driver.bufSizePreset }, loader: { initContainer: { resources: resources(DRIVER_LOADER_RESOURCES) } } };
    }
}

/** The values that deliver the checked rules: files, rules sources and falco.yaml selectors. */
export function rulesValues(rules: FalcoRules): Pick<FalcoChartValues, "customRules" | "collectors" | "falcoctl" | "falco"> {
    return {
        customRules: rules.files,
        collectors: { containerEngine: { pluginRef: CONTAINER_PLUGIN_REF } },
        falcoctl: {
            // A pinned tag never changes: the follow sidecar would only poll.
            // Chart 8.0.1 gives both falcoctl containers `resources: {}`; a container without
            // limits and requests makes the cluster's Gatekeeper (K8sRequiredResources) refuse every Falco pod.
            artifact: { follow: { enabled: rules.sources.followed, resources: resources(FALCOCTL_RESOURCES) }, install: { resources: resources(FALCOCTL_RESOURCES) } },
            config: { artifact: { install: { refs: rules.sources.installRefs }, follow: { refs: rules.sources.followRefs } } },
        },
        ...(rules.selectors.length > 0 ? { falco: { rules: rules.selectors } } : {}),
    };
}

/**
 * Builds the chart values from validated configuration and, when given, the
 * checked rules (index.ts always passes them). Pure: same input, same output.
 */
export function falcoValues(config: StackConfig, rules?: FalcoRules): FalcoChartValues {
    const secrets = credentialSecretNames(config.releaseName);
    const rotation = { [ROTATION_ANNOTATION]: config.credentialsRotation };
    const values: FalcoChartValues = {
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
                // The wait-redis init container only runs redis-cli ping.
                initContainer: { resources: resources(config.resources.webuiInit), securityContext: restrictedContainer(true) },
                redis: {
                    image: { ...config.redisImage },
                    storageEnabled: true,
                    storageSize: config.redis.storageSize,
                    storageClass: config.redis.storageClass,
                    customConfig: [`maxmemory ${config.redis.maxmemory}`, `maxmemory-policy ${config.redis.maxmemoryPolicy}`],
                    resources: resources(config.resources.redis),
                    existingSecret: secrets.redis,
                    password: REDIS_PASSWORD_SWITCH,
                    podAnnotations: rotation,
                    podSecurityContext: restrictedPod(),
                    // redis writes only its --dir, /data, which is the PVC; the root filesystem can stay read-only.
                    securityContext: restrictedContainer(true),
                },
                user: "",
                disableauth: false,
                existingSecret: secrets.webui,
                podAnnotations: rotation,
                securityContext: restrictedContainer(true),
            },
            // A static Go binary that only makes outbound HTTP calls: nothing to write.
            securityContext: restrictedContainer(true),
        },
        rbac: { create: false },
    };
    return rules ? mergeValues(values, rulesValues(rules)) : values;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Merges value trees built by different parts of the program (as Helm merges
 * values files). Two parts setting the same leaf is a programming error.
 */
export function mergeValues<T extends object>(base: T, extra: object, at = ""): T {
    const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [key, value] of Object.entries(extra)) {
        const here = at ? `${at}.${key}` : key;
        if (isPlainObject(merged[key]) && isPlainObject(value)) {
            merged[key] = mergeValues(merged[key] as object, value, here);
        } else if (key in merged && merged[key] !== undefined) {
            throw new Error(`internal error: chart value ${here} is set twice`);
        } else {
            merged[key] = value;
        }
    }
    return merged as T;
}
