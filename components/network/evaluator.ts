/**
 * A small evaluator of Kubernetes NetworkPolicy (networking.k8s.io/v1)
 * semantics, used to prove what the generated policies allow. Pure: it reads
 * policy objects in their Kubernetes shape and a description of one flow.
 *
 * Semantics implemented (kubernetes.io "Network Policies" and the
 * NetworkPolicySpec API reference):
 * - A pod is isolated for a direction when at least one policy in its own
 *   namespace selects it and has that direction in its effective policyTypes.
 *   policyTypes defaults to ["Ingress"], plus "Egress" when the policy has at
 *   least one egress rule (an empty `egress: []` does not add it).
 * - Policies are additive: an isolated pod allows what any rule of any
 *   selecting policy allows for that direction.
 * - A rule without `from`/`to` (or with an empty list) matches every peer; a
 *   rule without `ports` (or with an empty list) matches every port.
 * - Peer: `podSelector` alone selects pods of the policy's namespace;
 *   `namespaceSelector` alone selects every pod of the matching namespaces;
 *   both in ONE peer select the matching pods of the matching namespaces;
 *   `ipBlock` selects addresses in `cidr` and not in any `except`.
 * - Port: protocol defaults to TCP; a numeric port with `endPort` is a range;
 *   a named port matches when the destination pod declares a container port of
 *   that name and protocol (an IP destination has no named ports).
 * - A flow needs egress allowed at its source AND ingress at its destination.
 *   An endpoint that is not a pod (an IP) is not subject to policies.
 */
import { BlockList, isIP } from "net";
import { Labels, LabelSelector, labelSelectorMatches } from "../labelSelector";

export type Protocol = "TCP" | "UDP" | "SCTP";
export type { Labels, LabelSelector, LabelSelectorRequirement } from "../labelSelector";

export interface IPBlock {
    cidr: string;
    except?: string[];
}

export interface NetworkPolicyPeer {
    podSelector?: LabelSelector;
    namespaceSelector?: LabelSelector;
    ipBlock?: IPBlock;
}

export interface NetworkPolicyPort {
    protocol?: Protocol;
    port?: number | string;
    endPort?: number;
}

export interface NetworkPolicyIngressRule {
    from?: NetworkPolicyPeer[];
    ports?: NetworkPolicyPort[];
}

export interface NetworkPolicyEgressRule {
    to?: NetworkPolicyPeer[];
    ports?: NetworkPolicyPort[];
}

export type PolicyType = "Ingress" | "Egress";

export interface NetworkPolicy {
    apiVersion?: string;
    kind?: string;
    metadata: { name: string; namespace?: string };
    spec: {
        podSelector: LabelSelector;
        policyTypes?: PolicyType[];
        ingress?: NetworkPolicyIngressRule[];
        egress?: NetworkPolicyEgressRule[];
    };
}

export interface ContainerPort {
    name?: string;
    containerPort: number;
    protocol?: Protocol;
}

/** A pod: where it lives, its labels, optionally its IP and declared ports. */
export interface PodEndpoint {
    kind: "pod";
    namespace: string;
    labels: Labels;
    ip?: string;
    ports?: ContainerPort[];
}

/** An address outside the pod network (a node, the API server, the internet). */
export interface IpEndpoint {
    kind: "ip";
    ip: string;
}

export type Endpoint = PodEndpoint | IpEndpoint;

export interface Flow {
    source: Endpoint;
    destination: Endpoint;
    port: number;
    protocol: Protocol;
}

/** The cluster's namespaces and their labels; `kubernetes.io/metadata.name` is added as the API server does. */
export interface ClusterModel {
    namespaceLabels: Record<string, Labels>;
}

export interface Verdict {
    allowed: boolean;
    egressAllowed: boolean;
    ingressAllowed: boolean;
    /** Names (namespace/name) of the policies whose rules allowed each side, for messages. */
    egressBy: string[];
    ingressBy: string[];
}

export function effectivePolicyTypes(policy: NetworkPolicy): PolicyType[] {
    if (policy.spec.policyTypes && policy.spec.policyTypes.length > 0) {
        return policy.spec.policyTypes;
    }
    // k8s.io/kubernetes pkg/apis/networking/v1 SetDefaults_NetworkPolicy: Egress only when egress rules exist.
    return (policy.spec.egress ?? []).length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

function ipFamily(address: string): "ipv4" | "ipv6" {
    const family = isIP(address);
    if (family === 0) {
        throw new Error(`not an IP address: ${JSON.stringify(address)}`);
    }
    return family === 4 ? "ipv4" : "ipv6";
}

/** Membership of an address in a CIDR, with Node's own address parser (net.BlockList). */
export function cidrContains(cidr: string, address: string): boolean {
    const [network, prefixText] = cidr.split("/");
    const prefix = Number(prefixText);
    const family = ipFamily(network);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === "ipv4" ? 32 : 128)) {
        throw new Error(`not a CIDR: ${JSON.stringify(cidr)}`);
    }
    if (ipFamily(address) !== family) {
        return false;
    }
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return list.check(address, family);
}

export function ipBlockMatches(block: IPBlock, address: string): boolean {
    return cidrContains(block.cidr, address) && !(block.except ?? []).some((cidr) => cidrContains(cidr, address));
}

function namespaceLabelsOf(cluster: ClusterModel, namespace: string): Labels {
    return { ...(cluster.namespaceLabels[namespace] ?? {}), "kubernetes.io/metadata.name": namespace };
}

/** Whether `peer`, written in a policy of `policyNamespace`, designates `endpoint`. */
export function peerMatches(peer: NetworkPolicyPeer, policyNamespace: string, endpoint: Endpoint, cluster: ClusterModel): boolean {
    if (peer.ipBlock) {
        // ipBlock peers designate addresses; pod IPs are ephemeral and the docs leave them to the implementation.
        const ip = endpoint.ip;
        return ip !== undefined && ipBlockMatches(peer.ipBlock, ip);
    }
    if (endpoint.kind !== "pod") {
        return false;
    }
    if (peer.namespaceSelector) {
        if (!labelSelectorMatches(peer.namespaceSelector, namespaceLabelsOf(cluster, endpoint.namespace))) {
            return false;
        }
        return peer.podSelector ? labelSelectorMatches(peer.podSelector, endpoint.labels) : true;
    }
    if (peer.podSelector) {
        return endpoint.namespace === policyNamespace && labelSelectorMatches(peer.podSelector, endpoint.labels);
    }
    throw new Error("a NetworkPolicyPeer needs podSelector, namespaceSelector or ipBlock");
}

/** Whether a rule's port entry admits traffic to `destination` on `port`/`protocol`. */
export function portMatches(entry: NetworkPolicyPort, destination: Endpoint, port: number, protocol: Protocol): boolean {
    if ((entry.protocol ?? "TCP") !== protocol) {
        return false;
    }
    if (entry.port === undefined) {
        return true; // every port of that protocol
    }
    if (typeof entry.port === "number") {
        const last = entry.endPort ?? entry.port;
        return port >= entry.port && port <= last;
    }
    if (destination.kind !== "pod") {
        return false;
    }
    return (destination.ports ?? []).some((p) => p.name === entry.port && p.containerPort === port && (p.protocol ?? "TCP") === protocol);
}

function portsMatch(ports: NetworkPolicyPort[] | undefined, destination: Endpoint, port: number, protocol: Protocol): boolean {
    return !ports || ports.length === 0 || ports.some((entry) => portMatches(entry, destination, port, protocol));
}

function peersMatch(peers: NetworkPolicyPeer[] | undefined, policyNamespace: string, endpoint: Endpoint, cluster: ClusterModel): boolean {
    return !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, policyNamespace, endpoint, cluster));
}

function policyNamespace(policy: NetworkPolicy): string {
    return policy.metadata.namespace ?? "default";
}

function policyName(policy: NetworkPolicy): string {
    return `${policyNamespace(policy)}/${policy.metadata.name}`;
}

function selecting(policies: NetworkPolicy[], pod: PodEndpoint, direction: PolicyType): NetworkPolicy[] {
    return policies.filter(
        (policy) =>
            policyNamespace(policy) === pod.namespace &&
            labelSelectorMatches(policy.spec.podSelector, pod.labels) &&
            effectivePolicyTypes(policy).includes(direction),
    );
}

/** Which policies allow `flow` out of its source; null when the source is not isolated for egress. */
function egressAllowedBy(policies: NetworkPolicy[], flow: Flow, cluster: ClusterModel): string[] | null {
    if (flow.source.kind !== "pod") {
        return null;
    }
    const isolating = selecting(policies, flow.source, "Egress");
    if (isolating.length === 0) {
        return null;
    }
    return isolating
        .filter((policy) =>
            (policy.spec.egress ?? []).some(
                (rule) =>
                    peersMatch(rule.to, policyNamespace(policy), flow.destination, cluster) &&
                    portsMatch(rule.ports, flow.destination, flow.port, flow.protocol),
            ),
        )
        .map(policyName);
}

/** Which policies allow `flow` into its destination; null when the destination is not isolated for ingress. */
function ingressAllowedBy(policies: NetworkPolicy[], flow: Flow, cluster: ClusterModel): string[] | null {
    if (flow.destination.kind !== "pod") {
        return null;
    }
    const isolating = selecting(policies, flow.destination, "Ingress");
    if (isolating.length === 0) {
        return null;
    }
    return isolating
        .filter((policy) =>
            (policy.spec.ingress ?? []).some(
                (rule) =>
                    peersMatch(rule.from, policyNamespace(policy), flow.source, cluster) &&
                    portsMatch(rule.ports, flow.destination, flow.port, flow.protocol),
            ),
        )
        .map(policyName);
}

export function evaluateFlow(policies: NetworkPolicy[], flow: Flow, cluster: ClusterModel = { namespaceLabels: {} }): Verdict {
    const egress = egressAllowedBy(policies, flow, cluster);
    const ingress = ingressAllowedBy(policies, flow, cluster);
    const egressAllowed = egress === null || egress.length > 0;
    const ingressAllowed = ingress === null || ingress.length > 0;
    return {
        allowed: egressAllowed && ingressAllowed,
        egressAllowed,
        ingressAllowed,
        egressBy: egress ?? ["(source not isolated for egress)"],
        ingressBy: ingress ?? ["(destination not isolated for ingress)"],
    };
}
