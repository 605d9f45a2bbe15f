import { ProblemList, show } from "./errors";
import { FieldReader } from "./fieldReader";
import { compareQuantities, Quantity } from "./quantity";
import { MonitoringConfig, readMonitoringConfig, readMonitoringStack } from "./monitoringConfig";
import { checkSizing, readGatekeeperConstraints } from "./sizing";
import { NetworkConfig, readNetworkConfig } from "./network";
import { ACCEPTED_RULES_VERSIONS } from "../rules/rulesSources";

/**
 * The typed stack configuration. Every key is declared, with its type, default
 * and description, in Pulumi.yaml; this module is where each one is validated.
 * A test keeps the two lists of keys identical.
 */

export const CONFIG_NAMESPACE = "falco";

export const DRIVER_KINDS = ["modern_ebpf", "ebpf", "kmod"] as const;
export type DriverKind = (typeof DRIVER_KINDS)[number];
/** Drivers chart 8.0.1 can run with capabilities instead of `privileged` (driver.<kind>.leastPrivileged). */
export const LEAST_PRIVILEGED_DRIVER_KINDS = ["modern_ebpf", "ebpf"] as const satisfies readonly DriverKind[];

/** Falco's priorities, highest first, in the spelling falcosidekick's `minimumpriority` accepts. */
export const FALCO_PRIORITIES = ["emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug"] as const;
export type FalcoPriority = (typeof FALCO_PRIORITIES)[number];

export const COMPONENTS = ["falco", "sidekick", "webui", "webuiInit", "redis"] as const;
export type ComponentName = (typeof COMPONENTS)[number];

/** redis' eviction policies (redis.conf `maxmemory-policy`). */
export const MAXMEMORY_POLICIES = [
    "noeviction",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
] as const;
export type MaxmemoryPolicy = (typeof MAXMEMORY_POLICIES)[number];

export interface CpuMemory {
    cpu: string;
    memory: string;
}

export interface ResourceSpec {
    requests: CpuMemory;
    limits: CpuMemory;
}

export interface OutputTarget {
    /** http(s)://host:port of the service; the API path is fixed by the program. */
    url: string;
    minimumPriority: FalcoPriority;
}

export interface StackConfig {
    namespace: string;
    releaseName: string;
    driver: {
        kind: DriverKind;
        bufSizePreset: number;
        cpusForEachBuffer: number;
        /** Capabilities instead of a privileged container; only the eBPF drivers support it. */
        leastPrivileged: boolean;
    };
    resources: Record<ComponentName, ResourceSpec>;
    redis: { storageSize: string; storageClass: string; maxmemory: string; maxmemoryPolicy: MaxmemoryPolicy };
    webui: { ttl: string; replicas: number };
    sidekick: { replicas: number };
    alertmanager: OutputTarget;
    loki: OutputTarget;
    disabledRules: string[];
    nodes: number;
    nodeAllocatable: CpuMemory;
    /** Footprint warning threshold: percent of one node's allocatable memory that the stack's requests may take. */
    footprintMemoryWarnPercent: number;
    /** Any change regenerates every credential the stack generates (RandomPassword keepers). */
    credentialsRotation: string;
    network: NetworkConfig;
    /** falcoctl tag of Falco's default ruleset: "5" follows the newest 5.x (chart default), an exact version pins it. */
    rulesVersion: string;
    monitoring: MonitoringConfig;
    monitoringStack: string;
    /** The web UI's redis image (webui.redis.image); an alternative for 16K-page kernels. */
    redisImage: ContainerImage;
    /** File or folder of the cluster's Gatekeeper Constraint YAML, relative to the project; the resource limits are checked against it. */
    gatekeeperConstraints: string;
}

export interface ContainerImage {
    registry: string;
    repository: string;
    tag: string;
}

export type ConfigKey = keyof StackConfig;

/** How each key's raw text is decoded: the CLI hands every value to the program as a string. */
export const CONFIG_KEY_TYPES: Record<ConfigKey, "string" | "integer" | "object" | "array"> = {
    namespace: "string",
    releaseName: "string",
    driver: "object",
    resources: "object",
    redis: "object",
    webui: "object",
    sidekick: "object",
    alertmanager: "object",
    loki: "object",
    disabledRules: "array",
    nodes: "integer",
    nodeAllocatable: "object",
    footprintMemoryWarnPercent: "integer",
    credentialsRotation: "string",
    network: "object",
    rulesVersion: "string",
    monitoring: "object",
    monitoringStack: "string",
    redisImage: "object",
    gatekeeperConstraints: "string",
};

export const CONFIG_KEYS = Object.keys(CONFIG_KEY_TYPES) as ConfigKey[];

/**
 * Decodes the raw strings the Pulumi engine passes (`falco:key` -> text) into
 * JSON-like values, reporting undeclared keys and undecodable values.
 */
export function decodeRawConfig(raw: Record<string, string>, problems: ProblemList): Record<string, unknown> {
    const decoded: Record<string, unknown> = {};
    const prefix = `${CONFIG_NAMESPACE}:`;
    for (const [fullKey, text] of Object.entries(raw)) {
        if (!fullKey.startsWith(prefix)) {
            continue; // provider configuration such as kubernetes:context is not ours to judge
        }
        const key = fullKey.slice(prefix.length);
        const type = CONFIG_KEY_TYPES[key as ConfigKey];
        if (!type) {
            problems.add(`${fullKey}: unknown configuration key; accepted keys: ${CONFIG_KEYS.map((k) => prefix + k).join(", ")}`);
            continue;
        }
        if (type === "string") {
            decoded[key] = text;
            continue;
        }
        try {
            decoded[key] = JSON.parse(text);
        } catch {
            problems.add(`${fullKey}: ${show(text)} is not a valid ${type}`);
        }
    }
    return decoded;
}

function readCpuMemory(r: FieldReader, value: unknown, path: string): { text: CpuMemory; cpu?: Quantity; memory?: Quantity } {
    const o = r.object(value, path, ["cpu", "memory"]);
    const cpu = r.quantity(o.cpu, `${path}.cpu`, "CPU", '"100m" or "1"');
    const memory = r.quantity(o.memory, `${path}.memory`, "memory", '"128Mi" or "1Gi"');
    return { text: { cpu: String(o.cpu), memory: String(o.memory) }, cpu, memory };
}

function readResources(r: FieldReader, value: unknown, path: string): Record<ComponentName, ResourceSpec> {
    const o = r.object(value, path, COMPONENTS);
    const result = {} as Record<ComponentName, ResourceSpec>;
    for (const component of COMPONENTS) {
        const cpath = `${path}.${component}`;
        const spec = r.object(o[component], cpath, ["requests", "limits"]);
        const requests = readCpuMemory(r, spec.requests, `${cpath}.requests`);
        const limits = readCpuMemory(r, spec.limits, `${cpath}.limits`);
        for (const resource of ["cpu", "memory"] as const) {
            const req = requests[resource];
            const lim = limits[resource];
            if (req && lim && compareQuantities(req, lim) > 0) {
                r.problems.add(
                    `${cpath}.requests.${resource}: ${show(requests.text[resource])} is above the limit ${show(limits.text[resource])}; accepted: requests at most equal to limits`,
                );
            }
        }
        result[component] = { requests: requests.text, limits: limits.text };
    }
    return result;
}

function readOutputTarget(r: FieldReader, value: unknown, path: string): OutputTarget {
    const o = r.object(value, path, ["url", "minimumPriority"]);
    return {
        url: r.httpHostPort(o.url, `${path}.url`),
        minimumPriority: r.oneOf(o.minimumPriority, `${path}.minimumPriority`, FALCO_PRIORITIES),
    };
}

/** falcosidekick-ui's TTL syntax: a number and one of s, m, d, w; "0" keeps events forever. */
function readTtl(r: FieldReader, value: unknown, path: string): string {
    if (r.isReportedMissing(value, path)) {
        return "";
    }
    const text = typeof value === "number" ? String(value) : r.string(value, path);
    if (!/^(0|[1-9]\d*[smdw])$/.test(text)) {
        r.problems.add(`${path}: ${show(value)} is not accepted; accepted: a number followed by s, m, d or w (e.g. "30d"), or "0" for no expiry`);
    }
    return text;
}

/**
 * Validates the whole configuration in one place, before any resource is
 * declared. Throws a UserInputError listing every problem.
 */
export function parseStackConfig(raw: Record<string, string>): StackConfig {
    const problems = new ProblemList();
    const r = new FieldReader(problems);
    const v = decodeRawConfig(raw, problems);
    const p = (key: ConfigKey) => `${CONFIG_NAMESPACE}:${key}`;
    for (const key of CONFIG_KEYS) {
        if (key in v) {
            continue;
        }
        // A value that did not decode is reported already; a key never set is reported here, once.
        if (!(p(key) in raw)) {
            problems.add(`${p(key)}: not set; Pulumi.yaml declares its default, so run with the project's Pulumi.yaml beside the stack file`);
        }
        r.reportedMissing(p(key));
    }

    const namespace = r.dnsLabel(v.namespace, p("namespace"));
    const releaseName = r.dnsLabel(v.releaseName, p("releaseName"));
    if (typeof v.releaseName === "string" && !v.releaseName.includes("falco")) {
        problems.add(
            `${p("releaseName")}: ${show(v.releaseName)} does not contain "falco"; accepted: a DNS label containing "falco", because chart 8.0.1 derives the falcosidekick URL from a full name that equals the release name only then`,
        );
    }
    if (typeof v.releaseName === "string" && v.releaseName.length > 40) {
        problems.add(`${p("releaseName")}: ${show(v.releaseName)} is too long; accepted: at most 40 characters, so that derived names such as <release>-falcosidekick-ui-redis stay within 63`);
    }

    const driverObj = r.object(v.driver, p("driver"), ["kind", "bufSizePreset", "cpusForEachBuffer"], ["leastPrivileged"]);
    const driver = {
        kind: r.oneOf(driverObj.kind, `${p("driver")}.kind`, DRIVER_KINDS),
        // Falco accepts presets 1..10 (8 MiB default is preset 4); see falco.yaml engine docs.
        bufSizePreset: r.integer(driverObj.bufSizePreset, `${p("driver")}.bufSizePreset`, 1, 10),
        cpusForEachBuffer: r.integer(driverObj.cpusForEachBuffer, `${p("driver")}.cpusForEachBuffer`, 0, 1024),
        leastPrivileged: driverObj.leastPrivileged === undefined ? false : r.boolean(driverObj.leastPrivileged, `${p("driver")}.leastPrivileged`),
    };
    if (driver.leastPrivileged && !(LEAST_PRIVILEGED_DRIVER_KINDS as readonly string[]).includes(driver.kind)) {
        problems.add(
            `${p("driver")}.leastPrivileged: true is not accepted with kind ${show(driver.kind)}; accepted: leastPrivileged true only with kind ${LEAST_PRIVILEGED_DRIVER_KINDS.join(" or ")} (chart 8.0.1 always runs the ${driver.kind} driver privileged), or leastPrivileged false`,
        );
    }

    const resources = readResources(r, v.resources, p("resources"));

    const redisObj = r.object(v.redis, p("redis"), ["storageSize", "maxmemory", "maxmemoryPolicy"], ["storageClass"]);
    r.quantity(redisObj.storageSize, `${p("redis")}.storageSize`, "storage", '"2Gi"');
    const redis = {
        storageSize: String(redisObj.storageSize),
        storageClass: redisObj.storageClass === undefined ? "" : r.string(redisObj.storageClass, `${p("redis")}.storageClass`),
        maxmemory: r.string(redisObj.maxmemory, `${p("redis")}.maxmemory`),
        maxmemoryPolicy: r.oneOf(redisObj.maxmemoryPolicy, `${p("redis")}.maxmemoryPolicy`, MAXMEMORY_POLICIES),
    };

    const webuiObj = r.object(v.webui, p("webui"), ["ttl", "replicas"]);
    const webui = {
        ttl: readTtl(r, webuiObj.ttl, `${p("webui")}.ttl`),
        replicas: r.integer(webuiObj.replicas, `${p("webui")}.replicas`, 1, 10),
    };
    const sidekickObj = r.object(v.sidekick, p("sidekick"), ["replicas"]);
    const sidekick = { replicas: r.integer(sidekickObj.replicas, `${p("sidekick")}.replicas`, 1, 10) };

    const alertmanager = readOutputTarget(r, v.alertmanager, p("alertmanager"));
    const loki = readOutputTarget(r, v.loki, p("loki"));
    const disabledRules = r.stringList(v.disabledRules ?? [], p("disabledRules"));
    disabledRules.forEach((name, i) => {
        if (name.trim() === "") {
            problems.add(`${p("disabledRules")}[${i}]: empty rule name; accepted: the exact name of a Falco rule`);
        }
    });

    const nodes = r.integer(v.nodes, p("nodes"), 1, 5000);
    const nodeAllocatable = readCpuMemory(r, v.nodeAllocatable, p("nodeAllocatable")).text;
    const footprintMemoryWarnPercent = r.integer(v.footprintMemoryWarnPercent, p("footprintMemoryWarnPercent"), 1, 100);

    const credentialsRotation = r.string(v.credentialsRotation, p("credentialsRotation"));
    if (typeof v.credentialsRotation === "string" && v.credentialsRotation.trim() === "") {
        problems.add(`${p("credentialsRotation")}: "" is not accepted; accepted: any non-empty text, e.g. a date; change it to regenerate the credentials`);
    }
    const monitoringStack = readMonitoringStack(r, v.monitoringStack ?? "", p("monitoringStack"));
    // With a monitoring stack, falco:alertmanager.url and falco:loki.url are not used: its URLs are checked
    // against falco:network when they are known (components/monitoring/eventRouting.ts).
    const network = readNetworkConfig(r, v.network, p("network"), monitoringStack === "" ? { alertmanager: alertmanager.url, loki: loki.url, podNamespace: namespace } : undefined);
    const rulesVersion = r.oneOf(v.rulesVersion, p("rulesVersion"), ACCEPTED_RULES_VERSIONS);
    const monitoring = readMonitoringConfig(r, v.monitoring, p("monitoring"));

    const redisImage = readContainerImage(r, v.redisImage, p("redisImage"));
    const gatekeeperConstraints = r.string(v.gatekeeperConstraints, p("gatekeeperConstraints"));
    const gatekeeper = typeof v.gatekeeperConstraints === "string" ? readGatekeeperConstraints(gatekeeperConstraints, p("gatekeeperConstraints")) : { constraints: [] };
    if (gatekeeper.problem) {
        problems.add(gatekeeper.problem);
    }

    const config: StackConfig = {
        namespace,
        releaseName,
        driver,
        resources,
        redis,
        webui,
        sidekick,
        alertmanager,
        loki,
        disabledRules,
        nodes,
        nodeAllocatable,
        footprintMemoryWarnPercent,
        credentialsRotation,
        network,
        rulesVersion,
        monitoring,
        monitoringStack,
        redisImage,
        gatekeeperConstraints,
    };
    // Cross-key sizing rules run only on values that are individually valid.
    if (problems.count === 0) {
        for (const problem of checkSizing(config, gatekeeper.constraints)) {
            problems.add(problem);
        }
    }
    problems.throwIfAny();
    return config;
}

/** registry/repository:tag, each part non-empty; a moving `latest` tag is refused (the cluster's Gatekeeper refuses it too). */
function readContainerImage(r: FieldReader, value: unknown, path: string): ContainerImage {
    const obj = r.object(value, path, ["registry", "repository", "tag"]);
    const part = (key: "registry" | "repository" | "tag", pattern: RegExp, accepted: string): string => {
        const text = r.string(obj[key], `${path}.${key}`);
        if (typeof obj[key] === "string" && !pattern.test(text)) {
            r.problems.add(`${path}.${key}: ${JSON.stringify(text)} is not accepted; accepted: ${accepted}`);
        }
        return text;
    };
    const image = {
        registry: part("registry", /^[a-z0-9.-]+(:[0-9]+)?$/, "a registry host, e.g. docker.io"),
        repository: part("repository", /^[a-z0-9]+([._\/-][a-z0-9]+)*$/, "a repository path, e.g. redis/redis-stack"),
        tag: part("tag", /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "an image tag, e.g. 7.2.0-v11"),
    };
    if (image.tag === "latest") {
        r.problems.add(`${path}.tag: "latest" is not accepted; accepted: a fixed tag, e.g. 7.2.0-v11 (latest moves, and the cluster refuses it)`);
    }
    return image;
}
