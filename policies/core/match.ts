import type { K8sObject } from "./types";
import { groupVersion } from "./admission";
import { LabelSelector, labelSelectorMatches } from "../../components/labelSelector";

/**
 * Gatekeeper's `spec.match` of a Constraint: kinds, scope, namespaces,
 * excludedNamespaces, labelSelector, namespaceSelector and name.
 */
export interface ConstraintMatch {
    kinds?: { apiGroups?: string[]; kinds?: string[] }[];
    scope?: "*" | "Cluster" | "Namespaced";
    namespaces?: string[];
    excludedNamespaces?: string[];
    labelSelector?: LabelSelector;
    namespaceSelector?: LabelSelector;
    name?: string;
}

export type { LabelSelector } from "../../components/labelSelector";

/** Kinds without a namespace; `namespaces`/`excludedNamespaces` do not apply to them (except Namespace itself). */
const CLUSTER_SCOPED_KINDS = new Set([
    "Namespace",
    "Node",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
    "StorageClass",
    "CustomResourceDefinition",
    "PriorityClass",
    "RuntimeClass",
    "IngressClass",
    "CSIDriver",
    "APIService",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
]);

export function isClusterScoped(object: K8sObject): boolean {
    return CLUSTER_SCOPED_KINDS.has(object.kind) || groupVersion(object.apiVersion).group.endsWith("gatekeeper.sh");
}

/** Gatekeeper namespace globs: a trailing `*` is a prefix, a leading `*` a suffix. */
function namespaceGlobMatches(pattern: string, namespace: string): boolean {
    if (pattern.endsWith("*")) {
        return namespace.startsWith(pattern.slice(0, -1));
    }
    if (pattern.startsWith("*")) {
        return namespace.endsWith(pattern.slice(1));
    }
    return pattern === namespace;
}

export interface MatchContext {
    /** Labels of namespaces known from the same input, for namespaceSelector. */
    namespaceLabels?: Map<string, Record<string, string>>;
}

/** Does the constraint apply to this object (whose namespace is already resolved)? */
export function constraintMatches(match: ConstraintMatch | undefined, object: K8sObject, namespace: string, context: MatchContext = {}): boolean {
    if (!match) {
        return true;
    }
    const { group } = groupVersion(object.apiVersion);
    const kind = String(object.kind);
    if (match.kinds && match.kinds.length > 0) {
        const kindMatches = match.kinds.some((entry) => {
            const kinds = entry.kinds ?? [];
            const groups = entry.apiGroups ?? [];
            const kindOk = kinds.length === 0 || kinds.includes("*") || kinds.includes(kind);
            const groupOk = groups.length === 0 || groups.includes("*") || groups.includes(group);
            return kindOk && groupOk;
        });
        if (!kindMatches) {
            return false;
        }
    }
    const clusterScoped = isClusterScoped(object);
    if (match.scope === "Cluster" && !clusterScoped) return false;
    if (match.scope === "Namespaced" && clusterScoped) return false;
    // For a Namespace object, the namespace criteria look at its own name.
    const effectiveNamespace = kind === "Namespace" ? String(object.metadata?.name ?? "") : clusterScoped ? undefined : namespace;
    if (effectiveNamespace !== undefined) {
        if (match.namespaces && match.namespaces.length > 0 && !match.namespaces.some((p) => namespaceGlobMatches(p, effectiveNamespace))) {
            return false;
        }
        if (match.excludedNamespaces && match.excludedNamespaces.some((p) => namespaceGlobMatches(p, effectiveNamespace))) {
            return false;
        }
        if (match.namespaceSelector) {
            const labels = kind === "Namespace" ? object.metadata?.labels ?? {} : context.namespaceLabels?.get(effectiveNamespace);
            // Without the Namespace object its labels are unknown: assume the selector matches,
            // so that the checker errs towards reporting rather than silently passing.
            if (labels && !labelSelectorMatches(match.namespaceSelector, labels)) {
                return false;
            }
        }
    }
    if (match.labelSelector && !labelSelectorMatches(match.labelSelector, object.metadata?.labels ?? {})) {
        return false;
    }
    if (match.name) {
        const name = String(object.metadata?.name ?? "");
        if (!(match.name.endsWith("*") ? name.startsWith(match.name.slice(0, -1)) : match.name === name)) {
            return false;
        }
    }
    return true;
}
