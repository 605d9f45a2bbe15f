/**
 * The README's footprint section, generated from the same computation as
 * footprint.json and the stack output (components/footprint.ts).
 */
import type { ComponentFootprint, Footprint, ReportedAmounts, ReportedLimits, Share } from "./footprint";

/**
 * Per-container figures of the hand-written deployment this stack replaces, as its
 * documentation lists them (the skeleton issue's table). It gives no replica counts
 * and no totals; falcoctl's containers are not in it.
 */
export const OLD_DEPLOYMENT_FIGURES: Record<string, { requests: ReportedAmounts; limits: ReportedAmounts }> = {
    falco: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    sidekick: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    webui: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
    webuiInit: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "50m", memory: "64Mi" } },
    redis: { requests: { cpu: "50m", memory: "1536Mi" }, limits: { cpu: "200m", memory: "2Gi" } },
};
export const OLD_DEPLOYMENT_PVC = "2Gi";

/** A lower footprint that keeps every feature: one falcosidekick and one web UI pod instead of two. */
export const LEAN_PROPOSAL = {
    description: "one falcosidekick and one web UI replica",
    commands: ["pulumi config set --path 'falco:sidekick.replicas' 1", "pulumi config set --path 'falco:webui.replicas' 1"],
    /** Stack configuration overrides, in the form test/support/configFixtures' homelabWith takes. */
    overrides: (webui: { ttl: string; replicas: number }) => ({ sidekick: { replicas: 1 }, webui: { ...webui, replicas: 1 } }),
};

const amounts = (a: ReportedAmounts) => `${a.cpu} / ${a.memory}`;
function limits(l: ReportedLimits): string {
    return l.unbounded ? `≥ ${amounts(l)} (no limit: ${l.unbounded.join(", ")})` : amounts(l);
}
const share = (s: Share) => `${s.cpuPercent}% / ${s.memoryPercent}%`;

function componentRow(c: ComponentFootprint): string {
    const unset = c.unset.length ? ` (+ ${c.unset.join(", ")}: no resources set)` : "";
    return `| ${c.component} | ${c.workload} | ${c.replicas} (${c.replicasFrom}) | ${amounts(c.perPod.requests)} | ${limits(c.perPod.limits)}${unset} | ${amounts(c.total.requests)} | ${limits(c.total.limits)} |`;
}

function oldRow(name: string): string {
    const old = OLD_DEPLOYMENT_FIGURES[name];
    return `| ${name} | ${amounts(old.requests)} | ${amounts(old.limits)} |`;
}

/** Markdown: the homelab's footprint, the old deployment's figures, and the lean proposal beside the homelab. */
export function footprintMarkdown(homelab: Footprint, lean: Footprint): string {
    const node = homelab.perNode;
    const lines = [
        `Homelab stack: ${homelab.nodes} nodes of ${amounts(homelab.nodeAllocatable)} allocatable (CPU / memory). Effective pod figures: ${homelab.rule}.`,
        "",
        "| Component | Workload | Replicas | Requests per pod | Limits per pod | Requests, all replicas | Limits, all replicas |",
        "|---|---|---|---|---|---|---|",
        ...homelab.components.map(componentRow),
        `| **cluster** | | | | | **${amounts(homelab.cluster.requests)}** (${share(homelab.cluster.requestsShare)} of ${amounts(homelab.cluster.allocatable)}) | **${limits(homelab.cluster.limits)}** |`,
        "",
        "| Per node | Requests | Share of one node's allocatable | Limits |",
        "|---|---|---|---|",
        `| every node (the Falco pod) | ${amounts(node.everyNode.requests)} | ${share(node.everyNode.requestsShare)} | ${limits(node.everyNode.limits)} |`,
        `| busiest node, upper bound (the Falco pod and every other pod of the stack) | ${amounts(node.busiestNode.requests)} | ${share(node.busiestNode.requestsShare)} | ${limits(node.busiestNode.limits)} |`,
        "",
        `Storage: ${homelab.storage.claims.map((c) => `${c.count} × ${c.size} PVC (${c.component}, ${c.name})`).join(", ") || "none"}; total ${homelab.storage.total}.`,
        `Warnings (a node above ${homelab.memoryWarnPercent}% of its memory on requests alone, \`falco:footprintMemoryWarnPercent\`): ${homelab.warnings.length ? homelab.warnings.join("; ") : "none"}.`,
        "",
        "The old deployment's documentation gives per-container figures only; this stack's homelab configuration keeps every one of them:",
        "",
        "| Container (old deployment) | Requests | Limits |",
        "|---|---|---|",
        ...Object.keys(OLD_DEPLOYMENT_FIGURES).map(oldRow),
        `| redis PVC | ${OLD_DEPLOYMENT_PVC} | |`,
        "",
        `Those figures are per container: they leave out replica counts, how the web UI's init container counts, and ${falcoctlNote(homelab)}. Proposed, keeping every feature: ${LEAN_PROPOSAL.description} (\`${LEAN_PROPOSAL.commands.join("` and `")}\`); only redundancy while a pod restarts or its node drains is lost.`,
        "",
        "| | Homelab (as configured) | Proposed: " + LEAN_PROPOSAL.description + " |",
        "|---|---|---|",
        `| pods besides Falco's | ${podsBesidesFalco(homelab)} | ${podsBesidesFalco(lean)} |`,
        `| cluster requests | ${amounts(homelab.cluster.requests)} | ${amounts(lean.cluster.requests)} |`,
        `| cluster limits | ${limits(homelab.cluster.limits)} | ${limits(lean.cluster.limits)} |`,
        `| busiest node requests (share) | ${amounts(homelab.perNode.busiestNode.requests)} (${share(homelab.perNode.busiestNode.requestsShare)}) | ${amounts(lean.perNode.busiestNode.requests)} (${share(lean.perNode.busiestNode.requestsShare)}) |`,
    ];
    return lines.join("\n");
}

function podsBesidesFalco(f: Footprint): number {
    return f.components.filter((c) => c.component !== "falco").reduce((n, c) => n + c.replicas, 0);
}

/** Chart 8.0.1 gives falcoctl's containers `resources: {}`; say whether this configuration still leaves any unset. */
function falcoctlNote(f: Footprint): string {
    const falco = f.components.find((c) => c.component === "falco");
    const falcoctl = falco?.containers.filter((c) => c.name.startsWith("falcoctl-")).map((c) => c.name) ?? [];
    const unset = falco?.unset ?? [];
    return unset.length
        ? `the falcoctl containers, which chart 8.0.1 runs in the Falco pods without resources (here: ${unset.join(", ")})`
        : `the falcoctl containers in the Falco pods (${falcoctl.join(", ") || "none"}), which chart 8.0.1 leaves without resources and this program sizes, counted in the falco row`;
}
