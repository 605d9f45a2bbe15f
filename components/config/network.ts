import { isIP } from "net";
import { show } from "./errors";
import { FieldReader } from "./fieldReader";
import { inClusterService } from "./url";

/** Pods of another namespace that the stack talks to, or that talk to it. */
export interface PeerPods {
    namespace: string;
    /** Labels the pods carry; all must match (a NetworkPolicy podSelector's matchLabels). */
    podLabels: Record<string, string>;
}

export interface NetworkConfig {
    prometheus: PeerPods;
    alertmanager: PeerPods;
    loki: PeerPods;
    dns: PeerPods;
    /** Where the Kubernetes API server answers (endpoint and Service addresses), as CIDRs. */
    apiServerCidrs: string[];
}

export const NETWORK_PEERS = ["prometheus", "alertmanager", "loki", "dns"] as const;

// Kubernetes' own syntax for label keys and values (apimachinery validation: qualified names, label values).
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isLabelKey(key: string): boolean {
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
        return false;
    }
    return name.length <= 63 && LABEL_NAME.test(name);
}

export function isLabelValue(value: string): boolean {
    return value === "" || (value.length <= 63 && LABEL_NAME.test(value));
}

/**
 * A CIDR as Kubernetes' ipBlock accepts it: an IPv4 or IPv6 network address
 * (checked by Node's parser) and a prefix length; for IPv4 the host bits must
 * be zero, as recent API servers warn about anything else.
 */
export function cidrProblem(text: string): string | undefined {
    const parts = text.split("/");
    if (parts.length !== 2 || !/^\d{1,3}$/.test(parts[1])) {
        return "not of the form ADDRESS/PREFIX";
    }
    const [address, prefixText] = parts;
    const family = isIP(address);
    const prefix = Number(prefixText);
    if (family === 0) {
        return `${show(address)} is not an IPv4 or IPv6 address`;
    }
    const bits = family === 4 ? 32 : 128;
    if (prefix > bits) {
        return `prefix /${prefix} is longer than ${bits} bits`;
    }
    if (family === 4) {
        const value = address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
        const hostBits = 2 ** (32 - prefix);
        if (value % hostBits !== 0) {
            return `host bits are set; the network address of /${prefix} ends earlier`;
        }
    }
    return undefined;
}

function readPeerPods(r: FieldReader, value: unknown, path: string): PeerPods {
    const o = r.object(value, path, ["namespace", "podLabels"]);
    const namespace = r.dnsLabel(o.namespace, `${path}.namespace`);
    const podLabels: Record<string, string> = {};
    const labelsPath = `${path}.podLabels`;
    const labels = o.podLabels;
    if (labels === null || typeof labels !== "object" || Array.isArray(labels) || Object.keys(labels).length === 0) {
        if ("podLabels" in o) {
            r.problems.add(
                `${labelsPath}: ${show(labels)} is not accepted; accepted: a non-empty map of label keys to values (an empty selector would admit every pod of the namespace)`,
            );
        }
        return { namespace, podLabels };
    }
    for (const [key, labelValue] of Object.entries(labels as Record<string, unknown>)) {
        if (!isLabelKey(key)) {
            r.problems.add(`${labelsPath}: key ${show(key)} is not a Kubernetes label key; accepted: [prefix/]name, name at most 63 of A-Z a-z 0-9 - _ . starting and ending alphanumeric`);
        }
        if (typeof labelValue !== "string" || !isLabelValue(labelValue)) {
            r.problems.add(`${labelsPath}.${key}: ${show(labelValue)} is not a Kubernetes label value; accepted: a string of at most 63 of A-Z a-z 0-9 - _ . starting and ending alphanumeric, or ""`);
            continue;
        }
        podLabels[key] = labelValue;
    }
    return { namespace, podLabels };
}

/**
 * The namespace a URL's Service names (a bare name: falcosidekick's own, `podNamespace`), when it is not the
 * namespace the NetworkPolicy lets falcosidekick reach (`configured`): events to that URL would be dropped
 * by the policy. Undefined when they agree or the URL names no in-cluster Service.
 */
export function peerNamespaceProblem(url: string, configured: string, podNamespace: string): { urlNamespace: string } | undefined {
    const urlNamespace = inClusterService(url, podNamespace)?.namespace;
    return urlNamespace !== undefined && configured !== "" && urlNamespace !== configured ? { urlNamespace } : undefined;
}

/**
 * Reads `falco:network`. The Alertmanager and Loki URLs, when they come from
 * configuration, are passed in to refuse a namespace that contradicts the
 * Service the URL names.
 */
export function readNetworkConfig(r: FieldReader, value: unknown, path: string, urls?: { alertmanager: string; loki: string; podNamespace: string }): NetworkConfig {
    const o = r.object(value, path, [...NETWORK_PEERS, "apiServerCidrs"]);
    const peers = {} as Record<(typeof NETWORK_PEERS)[number], PeerPods>;
    for (const peer of NETWORK_PEERS) {
        peers[peer] = readPeerPods(r, o[peer], `${path}.${peer}`);
    }
    for (const target of urls ? (["alertmanager", "loki"] as const) : []) {
        const problem = peerNamespaceProblem(urls![target], peers[target].namespace, urls!.podNamespace);
        if (problem) {
            r.problems.add(`${path}.${target}.namespace: ${show(peers[target].namespace)} differs from the namespace ${show(problem.urlNamespace)} of falco:${target}.url ${show(urls![target])}; accepted: the namespace of the pods behind that URL`);
        }
    }
    const cidrsPath = `${path}.apiServerCidrs`;
    const apiServerCidrs = "apiServerCidrs" in o ? r.stringList(o.apiServerCidrs, cidrsPath) : [];
    if (Array.isArray(o.apiServerCidrs) && o.apiServerCidrs.length === 0) {
        r.problems.add(`${cidrsPath}: [] is not accepted; accepted: at least one CIDR, so that the API server stays out of reach of the internet egress rule`);
    }
    apiServerCidrs.forEach((cidr, i) => {
        const problem = typeof o.apiServerCidrs === "object" && typeof (o.apiServerCidrs as unknown[])[i] === "string" ? cidrProblem(cidr) : undefined;
        if (problem) {
            r.problems.add(`${cidrsPath}[${i}]: ${show(cidr)} is not a CIDR (${problem}); accepted: e.g. "192.168.1.10/32" or "10.43.0.0/16"`);
        }
    });
    return { ...peers, apiServerCidrs };
}
