/**
 * The traffic the stack needs, as data, and the NetworkPolicies generated from
 * it. The README's flow table is generated from the same list. Pure functions
 * of the validated configuration.
 */
import type { StackConfig } from "../config/stackConfig";
import { explicitPort } from "../config/url";
import { PORTS } from "../falcoValues";
import { chartPodSelector, COMPONENT_NAMES, FALCO_COMPONENTS, FalcoComponent } from "./chartPods";
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, Protocol } from "./evaluator";

export type FlowPeer =
    | { kind: "component"; component: FalcoComponent }
    | { kind: "pods"; name: string; namespace: string; podLabels: Record<string, string> }
    | { kind: "addresses"; name: string; cidr: string; except: string[] };

export interface FlowPort {
    port: number;
    protocol: Protocol;
}

export interface AllowedFlow {
    from: FlowPeer;
    to: FlowPeer;
    ports: FlowPort[];
    /** Why the stack needs it. */
    purpose: string;
}

export const DNS_PORTS: FlowPort[] = [
    { port: 53, protocol: "UDP" },
    // Large answers and some resolvers fall back to TCP.
    { port: 53, protocol: "TCP" },
];
export const HTTPS_PORT = 443;
export const API_SERVER_PORT = 6443;

/**
 * Components whose pods call the Kubernetes API in this stack: none.
 * - Falco 0.43 has no Kubernetes client (removed in 0.37); pod metadata comes
 *   from the container runtime through the container plugin, and chart 8.0.1's
 *   k8smeta collector (`collectors.kubernetes.enabled`) stays off. The driver
 *   loader updates Falco's ConfigMap through the API only for driver kind
 *   `auto`, which the configuration does not accept; modern_ebpf runs no loader.
 * - falcosidekick 2.32 builds a Kubernetes client only for the policyreport,
 *   kubeless/fission (with a kubeconfig) outputs; only Alertmanager, Loki and
 *   the web UI are configured.
 * - The web UI's Role in falcosidekick 0.12.1 has no rules; redis makes no
 *   outbound connection at all.
 */
export const API_SERVER_CLIENTS: readonly FalcoComponent[] = [];

/**
 * falcoctl runs as the Falco pod's init container and follow sidecar (chart
 * 8.0.1 pod-template.tpl), and so does the driver loader: that pod alone
 * downloads over HTTPS.
 */
export const FALCOCTL_POD: FalcoComponent = "falco";

/** The port of a validated Alertmanager or Loki URL (validation guarantees one is written). */
export function urlPort(url: string): number {
    const port = explicitPort(url);
    if (port === undefined) {
        throw new Error(`internal error: ${url} names no port`);
    }
    return port;
}

/**
 * The internet, for falcoctl: every IPv4 address minus the API server's ranges
 * (except entries must lie inside the block, so IPv6 ranges cannot be listed).
 * IPv6 is not opened: the homelab is IPv4-only, and `::/0` would also admit
 * in-cluster IPv6 pods of a dual-stack cluster.
 */
function internetPeer(apiServerCidrs: string[]): FlowPeer {
    return { kind: "addresses", name: "internet", cidr: "0.0.0.0/0", except: apiServerCidrs.filter((c) => !c.includes(":")) };
}

/** Every flow the stack needs; everything else is denied. */
export function allowedFlows(config: StackConfig, apiServerClients: readonly FalcoComponent[] = API_SERVER_CLIENTS): AllowedFlow[] {
    const net = config.network;
    const component = (c: FalcoComponent): FlowPeer => ({ kind: "component", component: c });
    const pods = (name: string, peer: { namespace: string; podLabels: Record<string, string> }): FlowPeer => ({
        kind: "pods",
        name,
        namespace: peer.namespace,
        podLabels: peer.podLabels,
    });
    const tcp = (port: number): FlowPort[] => [{ port, protocol: "TCP" }];
    const flows: AllowedFlow[] = [
        { from: component("falco"), to: component("sidekick"), ports: tcp(PORTS.sidekick), purpose: "Falco's http_output posts events to falcosidekick" },
        { from: component("sidekick"), to: component("webui"), ports: tcp(PORTS.webui), purpose: "falcosidekick forwards events to the web UI" },
        {
            from: component("sidekick"),
            to: pods("Alertmanager", net.alertmanager),
            ports: tcp(urlPort(config.alertmanager.url)),
            purpose: `events of ${config.alertmanager.minimumPriority} and above to Alertmanager`,
        },
        {
            from: component("sidekick"),
            to: pods("Loki", net.loki),
            ports: tcp(urlPort(config.loki.url)),
            purpose: `events of ${config.loki.minimumPriority} and above to Loki`,
        },
        { from: component("webui"), to: component("redis"), ports: tcp(PORTS.redis), purpose: "the web UI (and its wait-redis init container) uses redis" },
        { from: pods("Prometheus", net.prometheus), to: component("falco"), ports: tcp(PORTS.falcoMetrics), purpose: "scrape Falco's metrics" },
        { from: pods("Prometheus", net.prometheus), to: component("sidekick"), ports: tcp(PORTS.sidekick), purpose: "scrape falcosidekick's metrics" },
    ];
    // redis resolves no name and connects nowhere, so it gets no DNS either.
    for (const c of ["falco", "sidekick", "webui"] as const) {
        flows.push({ from: component(c), to: pods("cluster DNS", net.dns), ports: DNS_PORTS, purpose: "name resolution" });
    }
    // modern_ebpf is built into Falco; for ebpf and kmod the driver-loader init container (same pod) fetches a prebuilt driver.
    const driverDownload = config.driver.kind === "modern_ebpf" ? "" : `; the ${config.driver.kind} driver loader fetches a prebuilt driver`;
    flows.push({
        from: component(FALCOCTL_POD),
        to: internetPeer(net.apiServerCidrs),
        ports: tcp(HTTPS_PORT),
        purpose: `falcoctl (init container and follow sidecar) downloads rules artifacts${driverDownload}`,
    });
    for (const c of apiServerClients) {
        for (const cidr of net.apiServerCidrs) {
            flows.push({
                from: component(c),
                to: { kind: "addresses", name: "Kubernetes API server", cidr, except: [] },
                ports: tcp(API_SERVER_PORT),
                purpose: "Kubernetes API calls",
            });
        }
    }
    return flows;
}

function policyPeer(peer: FlowPeer, releaseName: string): NetworkPolicyPeer {
    switch (peer.kind) {
        case "component":
            return { podSelector: { matchLabels: chartPodSelector(releaseName, peer.component) } };
        case "pods":
            // Both selectors in ONE peer: these pods, in that namespace only.
            return {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } },
                podSelector: { matchLabels: { ...peer.podLabels } },
            };
        case "addresses":
            return peer.except.length > 0 ? { ipBlock: { cidr: peer.cidr, except: [...peer.except] } } : { ipBlock: { cidr: peer.cidr } };
    }
}

function policyPorts(ports: FlowPort[]): NetworkPolicyPort[] {
    return ports.map((p) => ({ protocol: p.protocol, port: p.port }));
}

export function policyName(releaseName: string, what: FalcoComponent | "default-deny"): string {
    return `${releaseName}-netpol-${what === "default-deny" ? what : COMPONENT_NAMES[what]}`;
}

const POLICY_LABELS = { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "falco" };

/**
 * A default deny for both directions on every pod of the namespace, then one
 * policy per component holding exactly its flows.
 */
export function falcoNetworkPolicies(config: StackConfig, flows: AllowedFlow[] = allowedFlows(config)): NetworkPolicy[] {
    const meta = (name: string) => ({ name, namespace: config.namespace, labels: { ...POLICY_LABELS } });
    const isComponent = (peer: FlowPeer, c: FalcoComponent) => peer.kind === "component" && peer.component === c;
    const policies: NetworkPolicy[] = [
        {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: meta(policyName(config.releaseName, "default-deny")),
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        },
    ];
    for (const c of FALCO_COMPONENTS) {
        policies.push({
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: meta(policyName(config.releaseName, c)),
            spec: {
                podSelector: { matchLabels: chartPodSelector(config.releaseName, c) },
                policyTypes: ["Ingress", "Egress"],
                ingress: flows.filter((f) => isComponent(f.to, c)).map((f) => ({ from: [policyPeer(f.from, config.releaseName)], ports: policyPorts(f.ports) })),
                egress: flows.filter((f) => isComponent(f.from, c)).map((f) => ({ to: [policyPeer(f.to, config.releaseName)], ports: policyPorts(f.ports) })),
            },
        });
    }
    return policies;
}

const describeLabels = (l: Record<string, string>) => Object.entries(l).map(([k, v]) => `${k}=${v}`).join(", ");

function describePeer(peer: FlowPeer): string {
    switch (peer.kind) {
        case "component":
            return COMPONENT_NAMES[peer.component];
        case "pods":
            return `${peer.name}: namespace \`${peer.namespace}\`, pods ${describeLabels(peer.podLabels)}`;
        case "addresses":
            return `${peer.name}: \`${peer.cidr}\`${peer.except.length ? ` except ${peer.except.map((c) => `\`${c}\``).join(", ")}` : ""}`;
    }
}

/** The README's tables: the allowed flows, and the pod selector of each component. */
export function allowedFlowsMarkdown(config: StackConfig, flows: AllowedFlow[] = allowedFlows(config)): string {
    const rows = flows.map((f) => `| ${describePeer(f.from)} | ${describePeer(f.to)} | ${f.ports.map((p) => `${p.port}/${p.protocol}`).join(", ")} | ${f.purpose} |`);
    const selectors = FALCO_COMPONENTS.map(
        (c) => `| ${COMPONENT_NAMES[c]} | \`${policyName(config.releaseName, c)}\` | ${describeLabels(chartPodSelector(config.releaseName, c))} |`,
    );
    return [
        "| From | To | Port | Why |",
        "|---|---|---|---|",
        ...rows,
        "",
        "| Component | Policy | Pod selector |",
        "|---|---|---|",
        ...selectors,
    ].join("\n");
}
