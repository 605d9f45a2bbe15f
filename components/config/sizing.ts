import * as path from "path";
import type { Constraint } from "../../policies/core/constraints";
import { evaluate } from "../../policies/core/evaluate";
import { loadConstraints } from "../../policies/core/constraints";
import { UnusableInputError } from "../../policies/core/types";
import { GATEKEEPER_TEMPLATES } from "../../policies/gatekeeperTemplates";
import { PROJECT_ROOT } from "../projectRoot";
import { DRIVER_LOADER_RESOURCES, FALCO_CHART, FALCO_DRIVER_LOADER_IMAGE, FALCO_IMAGE } from "../falcoValues";
import { show } from "./errors";
import { addQuantities, compareQuantities, formatBytes, mustParseQuantity, multiplyQuantity, parseQuantity, parseRedisMemory, quantityFromBytes } from "./quantity";
import type { ComponentName, StackConfig } from "./stackConfig";

/**
 * Sizing rules that span several keys. The configuration validation and the
 * policy pack's sizing invariants both call these; there is one implementation.
 */

/**
 * redis-stack loads RediSearch, RedisJSON, RedisTimeSeries and RedisBloom.
 * Their memory and redis' own overhead (buffers, fork for RDB) live outside
 * `maxmemory`, so the container limit needs this much room above it.
 */
export const REDIS_STACK_HEADROOM = mustParseQuantity("512Mi");

/** Returns a problem message when redis' maxmemory plus headroom does not fit its container limit. */
export function checkRedisMaxmemory(maxmemory: string, memoryLimit: string, where: { maxmemory: string; limit: string }): string | undefined {
    const max = parseRedisMemory(maxmemory);
    if (!max) {
        return `${where.maxmemory}: ${show(maxmemory)} is not a redis memory size; accepted: a whole number with an optional unit b, k, kb, m, mb, g, gb (e.g. "1000mb")`;
    }
    const limit = mustParseQuantity(memoryLimit);
    const needed = addQuantities(max, REDIS_STACK_HEADROOM);
    if (compareQuantities(needed, limit) > 0) {
        return `${where.maxmemory}: ${show(maxmemory)} plus ${formatBytes(REDIS_STACK_HEADROOM)} of headroom for redis-stack's modules needs ${formatBytes(needed)}, above the redis memory limit ${show(memoryLimit)} (${where.limit}); accepted: maxmemory at most ${formatBytes(addQuantities(limit, { num: -REDIS_STACK_HEADROOM.num, den: REDIS_STACK_HEADROOM.den }))}`;
    }
    return undefined;
}

/**
 * The redis PVC must hold a full RDB snapshot of `maxmemory` plus its rewrite:
 * BGSAVE writes temp-<pid>.rdb beside the previous dump.rdb and renames it only
 * when done, so two snapshots coexist on disk. An RDB is at most about the size
 * of the dataset (compression only helps), so the volume needs 2 x maxmemory.
 */
export const REDIS_SNAPSHOT_COPIES = 2;

export function checkRedisSnapshotStorage(maxmemory: string, storageSize: string, where: { maxmemory: string; storage: string }): string | undefined {
    const max = parseRedisMemory(maxmemory);
    const storage = parseQuantity(storageSize);
    if (!max || !storage) {
        return undefined; // reported by the single-value checks
    }
    const needed = multiplyQuantity(max, REDIS_SNAPSHOT_COPIES);
    if (compareQuantities(storage, needed) < 0) {
        return `${where.storage}: ${show(storageSize)} cannot hold an RDB snapshot of maxmemory ${show(maxmemory)} (${where.maxmemory}) and its rewrite beside it; accepted: at least ${formatBytes(needed)} (${REDIS_SNAPSHOT_COPIES} x maxmemory), or a smaller maxmemory`;
    }
    return undefined;
}

/** Falco's ring buffer size per preset 1..10: 1, 2, 4, ... 512 MiB (falco.yaml, buf_size_preset). */
export function ringBufferBytes(bufSizePreset: number): bigint {
    if (!Number.isInteger(bufSizePreset) || bufSizePreset < 1 || bufSizePreset > 10) {
        throw new Error(`internal error: bufSizePreset ${bufSizePreset} outside 1..10`);
    }
    return 1n << BigInt(19 + bufSizePreset);
}

/**
 * How many ring buffers Falco allocates on a node with `cpus` online CPUs:
 * modern_ebpf shares one buffer among `cpusForEachBuffer` CPUs (0: one buffer
 * for all; the last buffer may serve fewer CPUs, hence the ceiling), while the
 * kmod and ebpf drivers keep one buffer per CPU (falco.yaml, cpus_for_each_buffer).
 */
export function ringBufferCount(kind: string, cpus: number, cpusForEachBuffer: number): number {
    if (kind !== "modern_ebpf") {
        return cpus;
    }
    if (cpusForEachBuffer === 0 || cpusForEachBuffer >= cpus) {
        return 1;
    }
    return Math.ceil(cpus / cpusForEachBuffer);
}

/**
 * Room Falco's userspace needs besides the ring buffers: rules engine, thread
 * and file-descriptor tables, container metadata and output queues. The ring
 * buffers are BPF maps (or kmod pages) charged to Falco's memory cgroup, so
 * they and this headroom must both fit under the container limit.
 */
export const FALCO_USERSPACE_HEADROOM = mustParseQuantity("256Mi");

/** Online CPUs of a node from its CPU quantity: Falco counts whole CPUs. */
export function nodeCpuCount(cpu: string): number | undefined {
    const q = parseQuantity(cpu);
    if (!q || q.num <= 0n) {
        return undefined;
    }
    return Number((q.num + q.den - 1n) / q.den);
}

export interface DriverSizing {
    kind: string;
    bufSizePreset: number;
    cpusForEachBuffer: number;
}

export function checkFalcoRingBuffers(driver: DriverSizing, nodeCpu: string, memoryLimit: string, where: { driver: string; cpus: string; limit: string }): string | undefined {
    const cpus = nodeCpuCount(nodeCpu);
    const limit = parseQuantity(memoryLimit);
    if (cpus === undefined || !limit) {
        return undefined; // reported by the single-value checks
    }
    const count = ringBufferCount(driver.kind, cpus, driver.cpusForEachBuffer);
    const buffers = quantityFromBytes(ringBufferBytes(driver.bufSizePreset) * BigInt(count));
    const needed = addQuantities(buffers, FALCO_USERSPACE_HEADROOM);
    if (compareQuantities(needed, limit) > 0) {
        return `${where.limit}: ${show(memoryLimit)} does not hold Falco's ring buffers plus headroom: ${count} buffer(s) of ${formatBytes(quantityFromBytes(ringBufferBytes(driver.bufSizePreset)))} (${where.driver}: ${driver.kind}, bufSizePreset ${driver.bufSizePreset}, cpusForEachBuffer ${driver.cpusForEachBuffer}, ${cpus} CPUs from ${where.cpus}) = ${formatBytes(buffers)}, plus ${formatBytes(FALCO_USERSPACE_HEADROOM)} for Falco itself, needs ${formatBytes(needed)}; accepted: a memory limit of at least ${formatBytes(needed)}, a smaller bufSizePreset or more CPUs per buffer`;
    }
    return undefined;
}


/** Reads the Constraints `falco:gatekeeperConstraints` names; a problem message instead when unusable. */
export function readGatekeeperConstraints(location: string, key: string): { constraints: Constraint[]; problem?: string } {
    try {
        return { constraints: loadConstraints(path.resolve(PROJECT_ROOT, location), GATEKEEPER_TEMPLATES) };
    } catch (err) {
        if (err instanceof UnusableInputError) {
            return { constraints: [], problem: `${key}: ${show(location)} is not usable: ${err.message}; accepted: a file or folder of Gatekeeper Constraint YAML, relative to the project folder` };
        }
        throw err;
    }
}

/** Templates that judge container resources, the part of a Pod the configuration decides. */
const RESOURCE_TEMPLATES = GATEKEEPER_TEMPLATES.filter((t) => ["K8sContainerLimits", "K8sRequiredResources", "K8sContainerRequests", "K8sContainerRatios"].includes(t.kind));

/**
 * Runs the cluster's resource constraints (the policy pack's own rules, through
 * the same core) on a Pod per component built from the configured resources,
 * so that a limit the cluster refuses stops the run before anything is declared.
 * Images other than Falco's are not known here, so only Falco's can match an exemptImages entry.
 */
export function checkAdmission(config: StackConfig, constraints: readonly Constraint[]): string[] {
    const problems: string[] = [];
    for (const [component, spec] of Object.entries(config.resources) as [ComponentName, StackConfig["resources"][ComponentName]][]) {
        const pod = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: `${config.releaseName}-${component}`, namespace: config.namespace },
            spec: { containers: [{ name: component, image: component === "falco" ? FALCO_IMAGE : "", resources: { limits: { ...spec.limits }, requests: { ...spec.requests } } }] },
        };
        for (const v of evaluate([pod], constraints, RESOURCE_TEMPLATES)) {
            if (v.enforcement === "mandatory") {
                problems.push(`falco:resources.${component}: Gatekeeper would refuse the pods (${v.policy}): ${v.message}; accepted: resources the cluster's constraints admit`);
            }
        }
    }
    return problems;
}

/** Templates that judge the driver loader: what the configuration decides of it (privilege, resources). */
const DRIVER_LOADER_TEMPLATES = GATEKEEPER_TEMPLATES.filter((t) => RESOURCE_TEMPLATES.includes(t) || t.kind === "K8sPSPPrivilegedContainer");

/**
 * Drivers other than modern_ebpf make chart 8.0.1 add its falco-driver-loader init
 * container to every Falco pod, privileged for kmod. Judges that container alone with
 * the cluster's constraints, so a driver the cluster would refuse stops the run here
 * instead of leaving a DaemonSet whose pods Gatekeeper refuses one by one.
 */
export function checkDriverLoaderAdmission(config: StackConfig, constraints: readonly Constraint[]): string[] {
    if (config.driver.kind === "modern_ebpf") {
        return [];
    }
    const loader = {
        name: "falco-driver-loader",
        image: FALCO_DRIVER_LOADER_IMAGE,
        resources: { limits: { ...DRIVER_LOADER_RESOURCES.limits }, requests: { ...DRIVER_LOADER_RESOURCES.requests } },
        ...(config.driver.kind === "kmod" ? { securityContext: { privileged: true } } : {}),
    };
    const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `${config.releaseName}-driver-loader`, namespace: config.namespace },
        spec: { initContainers: [loader], containers: [] },
    };
    return evaluate([pod], constraints, DRIVER_LOADER_TEMPLATES)
        .filter((v) => v.enforcement === "mandatory")
        .map(
            (v) =>
                `falco:driver.kind: ${show(config.driver.kind)} makes chart ${FALCO_CHART.version} add the falco-driver-loader init container (${FALCO_DRIVER_LOADER_IMAGE}${config.driver.kind === "kmod" ? ", privileged" : ""}) to every Falco pod, and Gatekeeper would refuse it (${v.policy}): ${v.message}; accepted: "modern_ebpf", or constraints (falco:gatekeeperConstraints) that admit that container`,
        );
}

/** All cross-key sizing problems of a configuration whose single values are valid. */
export function checkSizing(config: StackConfig, constraints: readonly Constraint[]): string[] {
    const problems = [...checkAdmission(config, constraints), ...checkDriverLoaderAdmission(config, constraints)];
    const redisMemory = checkRedisMaxmemory(config.redis.maxmemory, config.resources.redis.limits.memory, {
        maxmemory: "falco:redis.maxmemory",
        limit: "falco:resources.redis.limits.memory",
    });
    const redisStorage = checkRedisSnapshotStorage(config.redis.maxmemory, config.redis.storageSize, { maxmemory: "falco:redis.maxmemory", storage: "falco:redis.storageSize" });
    const ringBuffers = checkFalcoRingBuffers(config.driver, config.nodeAllocatable.cpu, config.resources.falco.limits.memory, {
        driver: "falco:driver",
        cpus: "falco:nodeAllocatable.cpu",
        limit: "falco:resources.falco.limits.memory",
    });
    for (const problem of [redisMemory, redisStorage, ringBuffers]) {
        if (problem) {
            problems.push(problem);
        }
    }
    return problems;
}
