/**
 * The stack's resource footprint on the cluster, computed from the chart values
 * the program passes to the falco chart and the sizing configuration. Pure and
 * exact (components/config/quantity.ts); the offline render writes it as
 * footprint.json, the stack exports its summary, and the README's footprint
 * table is generated from it.
 *
 * Which pods and containers exist is chart 8.0.1 / falcosidekick 0.12.1
 * knowledge, written down in `footprintPods` below.
 */
import { addQuantities, compareQuantities, formatBytes, mustParseQuantity, Quantity } from "./config/quantity";
import type { CpuMemory, StackConfig } from "./config/stackConfig";
import type { FalcoChartValues } from "./falcoValues";

/**
 * How a pod's effective request (and limit) is counted, as the Kubernetes
 * scheduler does: per resource, the larger of the largest init container and
 * the sum of the app containers (init containers run one at a time, before the
 * app containers). Pod overhead is zero without a RuntimeClass that sets it.
 * A container with a limit and no request gets the limit as its request.
 */
export const EFFECTIVE_REQUEST_RULE =
    "per pod and resource: max(largest init container, sum of app containers); a limit without a request counts as the request; a container without resources counts 0 requested and has no limit";

const RESOURCES = ["cpu", "memory"] as const;
type ResourceName = (typeof RESOURCES)[number];

/** Requests or limits as the chart values give them: either resource may be absent. */
type PartialCpuMemory = Partial<CpuMemory>;

export interface FootprintContainer {
    name: string;
    init: boolean;
    requests?: PartialCpuMemory;
    limits?: PartialCpuMemory;
}

export interface FootprintPod {
    component: "falco" | "sidekick" | "webui" | "redis";
    workload: "DaemonSet" | "Deployment" | "StatefulSet";
    /** Where the replica count comes from, for the report. */
    replicasFrom: string;
    replicas: number;
    /** Runs on every node (a DaemonSet pod). */
    everyNode: boolean;
    containers: FootprintContainer[];
    /** PersistentVolumeClaims each replica gets. */
    volumeClaims: { name: string; size: string }[];
}

/** Optional chart keys this program may not set; absent means the chart 8.0.1 default. */
interface ChartDefaultsView {
    falcoctl?: {
        artifact?: {
            install?: { enabled?: boolean; resources?: { requests?: PartialCpuMemory; limits?: PartialCpuMemory } };
            follow?: { enabled?: boolean; resources?: { requests?: PartialCpuMemory; limits?: PartialCpuMemory } };
        };
    };
    driver: { kind: string; loader?: { enabled?: boolean; initContainer?: { resources?: { requests?: PartialCpuMemory; limits?: PartialCpuMemory } } } };
}

/**
 * The pods chart 8.0.1 and its falcosidekick 0.12.1 subchart render for these
 * values, with each container's resources:
 * - falco DaemonSet: container `falco` (values.resources); the `falcoctl-artifact-follow`
 *   sidecar and the `falcoctl-artifact-install` init container (both enabled by default,
 *   resources `{}` by default); the `falco-driver-loader` init container only for drivers
 *   other than modern_ebpf (helper `driverLoader.enabled`).
 * - falcosidekick Deployment (replicaCount), web UI Deployment (webui.replicaCount) with
 *   its `wait-redis` init container, redis-stack StatefulSet with `replicas: 1` and one
 *   volumeClaimTemplate of webui.redis.storageSize when storageEnabled.
 */
export function footprintPods(values: FalcoChartValues, nodes: number): FootprintPod[] {
    const chart = values as FalcoChartValues & ChartDefaultsView;
    const artifact: NonNullable<NonNullable<ChartDefaultsView["falcoctl"]>["artifact"]> = chart.falcoctl?.artifact ?? {};
    const falcoContainers: FootprintContainer[] = [{ name: "falco", init: false, ...values.resources }];
    if (artifact.follow?.enabled ?? true) {
        falcoContainers.push({ name: "falcoctl-artifact-follow", init: false, ...artifact.follow?.resources });
    }
    const loaderEnabled = chart.driver.kind !== "modern_ebpf" && (chart.driver.loader?.enabled ?? true);
    if (loaderEnabled) {
        falcoContainers.push({ name: "falco-driver-loader", init: true, ...chart.driver.loader?.initContainer?.resources });
    }
    if (artifact.install?.enabled ?? true) {
        falcoContainers.push({ name: "falcoctl-artifact-install", init: true, ...artifact.install?.resources });
    }
    const sidekick = values.falcosidekick;
    const pods: FootprintPod[] = [
        { component: "falco", workload: "DaemonSet", replicasFrom: "falco:nodes", replicas: nodes, everyNode: true, containers: falcoContainers, volumeClaims: [] },
    ];
    if (sidekick.enabled) {
        pods.push({
            component: "sidekick",
            workload: "Deployment",
            replicasFrom: "falco:sidekick.replicas",
            replicas: sidekick.replicaCount,
            everyNode: false,
            containers: [{ name: "falcosidekick", init: false, ...sidekick.resources }],
            volumeClaims: [],
        });
        if (sidekick.webui.enabled) {
            const redis = sidekick.webui.redis;
            pods.push(
                {
                    component: "webui",
                    workload: "Deployment",
                    replicasFrom: "falco:webui.replicas",
                    replicas: sidekick.webui.replicaCount,
                    everyNode: false,
                    containers: [
                        { name: "wait-redis", init: true, ...sidekick.webui.initContainer.resources },
                        { name: "falcosidekick-ui", init: false, ...sidekick.webui.resources },
                    ],
                    volumeClaims: [],
                },
                {
                    component: "redis",
                    workload: "StatefulSet",
                    replicasFrom: "fixed by the chart",
                    replicas: 1,
                    everyNode: false,
                    containers: [{ name: "redis", init: false, ...redis.resources }],
                    volumeClaims: redis.storageEnabled ? [{ name: "redis data", size: redis.storageSize }] : [],
                },
            );
        }
    }
    return pods;
}

/** An exact amount; `unbounded` when some container that counts has no limit. */
interface Amount {
    value: Quantity;
    unbounded: boolean;
}
type Amounts = Record<ResourceName, Amount>;

const ZERO: Quantity = { num: 0n, den: 1n };

function zeroAmounts(): Amounts {
    return { cpu: { value: ZERO, unbounded: false }, memory: { value: ZERO, unbounded: false } };
}

function containerAmount(container: FootprintContainer, kind: "requests" | "limits", resource: ResourceName): Amount {
    const limit = container.limits?.[resource];
    const request = container.requests?.[resource] ?? limit;
    const text = kind === "requests" ? request : limit;
    if (text === undefined) {
        return { value: ZERO, unbounded: kind === "limits" };
    }
    return { value: mustParseQuantity(text), unbounded: false };
}

function sumAmounts(a: Amount, b: Amount): Amount {
    return { value: addQuantities(a.value, b.value), unbounded: a.unbounded || b.unbounded };
}

function maxAmount(a: Amount, b: Amount): Amount {
    if (a.unbounded || b.unbounded) {
        return { value: compareQuantities(a.value, b.value) >= 0 ? a.value : b.value, unbounded: true };
    }
    return compareQuantities(a.value, b.value) >= 0 ? a : b;
}

function timesAmount(a: Amount, factor: number): Amount {
    return { value: { num: a.value.num * BigInt(factor), den: a.value.den }, unbounded: a.unbounded };
}

/** Effective pod requests or limits, by EFFECTIVE_REQUEST_RULE. */
export function effectivePodAmounts(pod: FootprintPod, kind: "requests" | "limits"): Amounts {
    const result = zeroAmounts();
    for (const resource of RESOURCES) {
        let apps: Amount = { value: ZERO, unbounded: false };
        let inits: Amount = { value: ZERO, unbounded: false };
        for (const container of pod.containers) {
            const amount = containerAmount(container, kind, resource);
            if (container.init) {
                inits = maxAmount(inits, amount);
            } else {
                apps = sumAmounts(apps, amount);
            }
        }
        result[resource] = maxAmount(apps, inits);
    }
    return result;
}

/* ---- the report ---- */

export interface ReportedAmounts {
    cpu: string;
    memory: string;
}

/** Limits; `unbounded` lists the resources some counted container has no limit for (the figure is then a lower bound). */
export interface ReportedLimits extends ReportedAmounts {
    unbounded?: ResourceName[];
}

export interface Share {
    /** Percent of the allocatable, rounded down to 0.01. */
    cpuPercent: number;
    memoryPercent: number;
}

export interface ComponentFootprint {
    component: FootprintPod["component"];
    workload: FootprintPod["workload"];
    replicas: number;
    replicasFrom: string;
    perPod: { requests: ReportedAmounts; limits: ReportedLimits };
    total: { requests: ReportedAmounts; limits: ReportedLimits };
    containers: { name: string; init: boolean; requests: PartialCpuMemory; limits: PartialCpuMemory }[];
    /** Containers without any resources set: they count 0 requested and are not limited. */
    unset: string[];
}

export interface NodeFootprint {
    requests: ReportedAmounts;
    limits: ReportedLimits;
    requestsShare: Share;
}

export interface Footprint {
    rule: string;
    nodes: number;
    nodeAllocatable: CpuMemory;
    memoryWarnPercent: number;
    components: ComponentFootprint[];
    perNode: {
        /** What every node carries: the DaemonSet pods. */
        everyNode: NodeFootprint;
        /** Upper bound for the busiest node: its DaemonSet pods plus every other pod of the stack (the chart sets no anti-affinity). */
        busiestNode: NodeFootprint;
    };
    cluster: { requests: ReportedAmounts; limits: ReportedLimits; allocatable: ReportedAmounts; requestsShare: Share };
    storage: { claims: { component: string; name: string; size: string; count: number }[]; total: string };
    warnings: string[];
}

export interface FootprintSizing {
    nodes: number;
    nodeAllocatable: CpuMemory;
    memoryWarnPercent: number;
}

export function footprintSizing(config: StackConfig): FootprintSizing {
    return { nodes: config.nodes, nodeAllocatable: config.nodeAllocatable, memoryWarnPercent: config.footprintMemoryWarnPercent };
}

/** CPU as Kubernetes writes it: whole millicores ("250m") or cores ("2"). */
export function formatCpu(q: Quantity): string {
    const milli = q.num * 1000n;
    if (milli % q.den !== 0n) {
        return `${Number(q.num) / Number(q.den)}`;
    }
    const millicores = milli / q.den;
    return millicores % 1000n === 0n ? `${millicores / 1000n}` : `${millicores}m`;
}

/** Memory in Mi when exact, else the largest exact binary unit ("1792Mi", "8Gi"). */
export function formatMemory(q: Quantity): string {
    const mi = 1n << 20n;
    if (q.den === 1n && q.num % mi === 0n && q.num % (1n << 30n) !== 0n) {
        return `${q.num / mi}Mi`;
    }
    return formatBytes(q);
}

/** part / whole in percent, rounded down to 0.01, computed exactly. */
export function percentOf(part: Quantity, whole: Quantity): number {
    const hundredths = (part.num * whole.den * 10000n) / (part.den * whole.num);
    return Number(hundredths) / 100;
}

function report(amounts: Amounts): ReportedAmounts {
    return { cpu: formatCpu(amounts.cpu.value), memory: formatMemory(amounts.memory.value) };
}

function reportLimits(amounts: Amounts): ReportedLimits {
    const unbounded = RESOURCES.filter((r) => amounts[r].unbounded);
    return unbounded.length ? { ...report(amounts), unbounded } : report(amounts);
}

function addAmounts(a: Amounts, b: Amounts): Amounts {
    return { cpu: sumAmounts(a.cpu, b.cpu), memory: sumAmounts(a.memory, b.memory) };
}

function scaleAmounts(a: Amounts, factor: number): Amounts {
    return { cpu: timesAmount(a.cpu, factor), memory: timesAmount(a.memory, factor) };
}

function share(amounts: Amounts, allocatable: Record<ResourceName, Quantity>): Share {
    return { cpuPercent: percentOf(amounts.cpu.value, allocatable.cpu), memoryPercent: percentOf(amounts.memory.value, allocatable.memory) };
}

/** The footprint of the stack for these chart values and sizing. Pure. */
export function computeFootprint(values: FalcoChartValues, sizing: FootprintSizing): Footprint {
    const pods = footprintPods(values, sizing.nodes);
    const nodeAllocatable = { cpu: mustParseQuantity(sizing.nodeAllocatable.cpu), memory: mustParseQuantity(sizing.nodeAllocatable.memory) };
    const clusterAllocatable = { cpu: { num: nodeAllocatable.cpu.num * BigInt(sizing.nodes), den: nodeAllocatable.cpu.den }, memory: { num: nodeAllocatable.memory.num * BigInt(sizing.nodes), den: nodeAllocatable.memory.den } };

    let clusterRequests = zeroAmounts();
    let clusterLimits = zeroAmounts();
    let everyNodeRequests = zeroAmounts();
    let everyNodeLimits = zeroAmounts();
    let othersRequests = zeroAmounts();
    let othersLimits = zeroAmounts();
    const components: ComponentFootprint[] = [];
    const claims: Footprint["storage"]["claims"] = [];
    let storageTotal = ZERO;

    for (const pod of pods) {
        const requests = effectivePodAmounts(pod, "requests");
        const limits = effectivePodAmounts(pod, "limits");
        const totalRequests = scaleAmounts(requests, pod.replicas);
        const totalLimits = scaleAmounts(limits, pod.replicas);
        clusterRequests = addAmounts(clusterRequests, totalRequests);
        clusterLimits = addAmounts(clusterLimits, totalLimits);
        if (pod.everyNode) {
            everyNodeRequests = addAmounts(everyNodeRequests, requests);
            everyNodeLimits = addAmounts(everyNodeLimits, limits);
        } else {
            othersRequests = addAmounts(othersRequests, totalRequests);
            othersLimits = addAmounts(othersLimits, totalLimits);
        }
        for (const claim of pod.volumeClaims) {
            claims.push({ component: pod.component, name: claim.name, size: claim.size, count: pod.replicas });
            const size = mustParseQuantity(claim.size);
            storageTotal = addQuantities(storageTotal, { num: size.num * BigInt(pod.replicas), den: size.den });
        }
        components.push({
            component: pod.component,
            workload: pod.workload,
            replicas: pod.replicas,
            replicasFrom: pod.replicasFrom,
            perPod: { requests: report(requests), limits: reportLimits(limits) },
            total: { requests: report(totalRequests), limits: reportLimits(totalLimits) },
            containers: pod.containers.map((c) => ({ name: c.name, init: c.init, requests: { ...c.requests }, limits: { ...c.limits } })),
            unset: pod.containers.filter((c) => !c.requests && !c.limits).map((c) => c.name),
        });
    }

    const busiestRequests = addAmounts(everyNodeRequests, othersRequests);
    const busiestLimits = addAmounts(everyNodeLimits, othersLimits);
    const node = (requests: Amounts, limits: Amounts): NodeFootprint => ({
        requests: report(requests),
        limits: reportLimits(limits),
        requestsShare: share(requests, nodeAllocatable),
    });

    const warnings: string[] = [];
    // Exact: requests * 100 > allocatable * percent.
    const warnAt = { num: nodeAllocatable.memory.num * BigInt(sizing.memoryWarnPercent), den: nodeAllocatable.memory.den * 100n };
    if (compareQuantities(everyNodeRequests.memory.value, warnAt) > 0) {
        warnings.push(
            `every node: the DaemonSet pods request ${formatMemory(everyNodeRequests.memory.value)}, above ${sizing.memoryWarnPercent}% (falco:footprintMemoryWarnPercent) of the node's ${sizing.nodeAllocatable.memory} allocatable memory`,
        );
    } else if (compareQuantities(busiestRequests.memory.value, warnAt) > 0) {
        warnings.push(
            `busiest node: with every other pod of the stack on one node, it would request ${formatMemory(busiestRequests.memory.value)} (${percentOf(busiestRequests.memory.value, nodeAllocatable.memory)}%), above ${sizing.memoryWarnPercent}% (falco:footprintMemoryWarnPercent) of the node's ${sizing.nodeAllocatable.memory} allocatable memory`,
        );
    }

    return {
        rule: EFFECTIVE_REQUEST_RULE,
        nodes: sizing.nodes,
        nodeAllocatable: { cpu: sizing.nodeAllocatable.cpu, memory: sizing.nodeAllocatable.memory },
        memoryWarnPercent: sizing.memoryWarnPercent,
        components,
        perNode: { everyNode: node(everyNodeRequests, everyNodeLimits), busiestNode: node(busiestRequests, busiestLimits) },
        cluster: {
            requests: report(clusterRequests),
            limits: reportLimits(clusterLimits),
            allocatable: { cpu: formatCpu(clusterAllocatable.cpu), memory: formatMemory(clusterAllocatable.memory) },
            requestsShare: share(clusterRequests, clusterAllocatable),
        },
        storage: { claims, total: formatMemory(storageTotal) },
        warnings,
    };
}

/** The stack output: cluster totals, the busiest node's share, storage and warnings. */
export function footprintSummary(footprint: Footprint) {
    return {
        clusterRequests: footprint.cluster.requests,
        clusterLimits: footprint.cluster.limits,
        clusterRequestsShare: footprint.cluster.requestsShare,
        busiestNodeRequestsShare: footprint.perNode.busiestNode.requestsShare,
        storage: footprint.storage.total,
        warnings: footprint.warnings,
    };
}
