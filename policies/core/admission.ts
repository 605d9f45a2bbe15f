import { canonicalQuantity } from "../../components/config/quantity";
import type { K8sObject, Review } from "./types";

/**
 * What the API server does to an object before a validating webhook such as
 * Gatekeeper sees it, limited to what the templates read:
 *   1. every resource quantity is stored in canonical form ("1.5Gi" -> "1536Mi");
 *      an invalid quantity makes the API server refuse the object outright;
 *   2. a Pod gets defaults: a container with a limit but no request for a
 *      resource gets the limit as its request (SetDefaults_Pod; only Pods, not
 *      pod templates, which is why workloads are judged by the Pods they create).
 * Workload controllers then create Pods from their templates; each Pod goes
 * through admission again, so a constraint that matches only Pods still refuses
 * a Deployment's Pods. `podsOf` builds those Pods.
 */

const CONTAINER_FIELDS = ["containers", "initContainers", "ephemeralContainers"] as const;

function isObject(value: unknown): value is Record<string, any> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
    return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/** Canonicalises a quantity map in place; returns the invalid entries' descriptions. */
function canonicaliseQuantityMap(map: unknown, where: string, problems: string[]): void {
    if (!isObject(map)) {
        return;
    }
    for (const [resource, value] of Object.entries(map)) {
        if (typeof value !== "string" && typeof value !== "number") {
            continue; // unknown during preview; nothing to judge yet
        }
        const canonical = canonicalQuantity(value);
        if (canonical === undefined) {
            problems.push(`${where}.${resource}: ${JSON.stringify(value)} is not a Kubernetes quantity; the API server refuses the object`);
        } else {
            map[resource] = canonical;
        }
    }
}

function canonicalisePodSpec(spec: unknown, where: string, problems: string[]): void {
    if (!isObject(spec)) {
        return;
    }
    for (const field of CONTAINER_FIELDS) {
        const containers = spec[field];
        if (!Array.isArray(containers)) {
            continue;
        }
        containers.forEach((container, i) => {
            if (!isObject(container) || !isObject(container.resources)) {
                return;
            }
            const name = typeof container.name === "string" ? container.name : String(i);
            canonicaliseQuantityMap(container.resources.limits, `${where}.${field}[${name}].resources.limits`, problems);
            canonicaliseQuantityMap(container.resources.requests, `${where}.${field}[${name}].resources.requests`, problems);
        });
    }
    if (isObject(spec.resources)) {
        canonicaliseQuantityMap(spec.resources.limits, `${where}.resources.limits`, problems);
        canonicaliseQuantityMap(spec.resources.requests, `${where}.resources.requests`, problems);
    }
    canonicaliseQuantityMap(spec.overhead, `${where}.overhead`, problems);
}

/** Where each workload kind keeps its pod template. */
export const POD_TEMPLATE_PATHS: Record<string, string[]> = {
    Deployment: ["spec", "template"],
    DaemonSet: ["spec", "template"],
    StatefulSet: ["spec", "template"],
    ReplicaSet: ["spec", "template"],
    ReplicationController: ["spec", "template"],
    Job: ["spec", "template"],
    CronJob: ["spec", "jobTemplate", "spec", "template"],
};

function at(object: unknown, path: string[]): unknown {
    return path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), object);
}

/**
 * The object as the API server stores it: a deep copy with canonical quantities
 * (and Pod defaults when it is a Pod). `problems` lists what the API server
 * would refuse.
 */
export function admittedObject(object: K8sObject): { object: K8sObject; problems: string[] } {
    const copy = clone(object);
    const problems: string[] = [];
    const templatePath = POD_TEMPLATE_PATHS[copy.kind];
    if (copy.kind === "Pod") {
        canonicalisePodSpec(copy.spec, "spec", problems);
        defaultPod(copy);
    } else if (templatePath) {
        canonicalisePodSpec(at(copy, [...templatePath, "spec"]), `${templatePath.join(".")}.spec`, problems);
    }
    if (copy.kind === "PersistentVolumeClaim" && isObject(copy.spec) && isObject(copy.spec.resources)) {
        canonicaliseQuantityMap(copy.spec.resources.requests, "spec.resources.requests", problems);
        canonicaliseQuantityMap(copy.spec.resources.limits, "spec.resources.limits", problems);
    }
    if (copy.kind === "StatefulSet" && Array.isArray(copy.spec?.volumeClaimTemplates)) {
        copy.spec.volumeClaimTemplates.forEach((claim: unknown, i: number) => {
            const resources = at(claim, ["spec", "resources"]);
            if (isObject(resources)) {
                canonicaliseQuantityMap(resources.requests, `spec.volumeClaimTemplates[${i}].spec.resources.requests`, problems);
            }
        });
    }
    return { object: copy, problems };
}

/** SetDefaults_Pod for resources: requests default to limits, resource by resource. */
export function defaultPod(pod: K8sObject): void {
    const spec = pod.spec;
    if (!isObject(spec)) {
        return;
    }
    for (const field of ["containers", "initContainers"] as const) {
        const containers = spec[field];
        if (!Array.isArray(containers)) {
            continue;
        }
        for (const container of containers) {
            const limits = isObject(container?.resources) ? container.resources.limits : undefined;
            if (!isObject(limits) || Object.keys(limits).length === 0) {
                continue;
            }
            const requests = isObject(container.resources.requests) ? container.resources.requests : {};
            for (const [resource, value] of Object.entries(limits)) {
                if (!(resource in requests)) {
                    requests[resource] = value;
                }
            }
            container.resources.requests = requests;
        }
    }
}

/**
 * The Pod a workload's controller would create, as admission sees it: the
 * template's metadata and spec, the workload's namespace, defaults applied.
 * Undefined for objects that create no Pods.
 */
export function podOf(admitted: K8sObject): K8sObject | undefined {
    const path = POD_TEMPLATE_PATHS[admitted.kind];
    if (!path) {
        return undefined;
    }
    const template = at(admitted, path);
    if (!isObject(template)) {
        return undefined;
    }
    const metadata = clone(isObject(template.metadata) ? template.metadata : {});
    metadata.namespace = admitted.metadata?.namespace;
    metadata.name = metadata.name ?? `${admitted.metadata?.name ?? "unnamed"}-pod`;
    const pod: K8sObject = { apiVersion: "v1", kind: "Pod", metadata, spec: clone(template.spec ?? {}) };
    defaultPod(pod);
    return pod;
}

/** group/version of an apiVersion string ("apps/v1" -> apps, v1; "v1" -> "", v1). */
export function groupVersion(apiVersion: unknown): { group: string; version: string } {
    const text = typeof apiVersion === "string" ? apiVersion : "";
    const slash = text.indexOf("/");
    return slash < 0 ? { group: "", version: text } : { group: text.slice(0, slash), version: text.slice(slash + 1) };
}

export function createReview(object: K8sObject, operation: Review["operation"] = "CREATE"): Review {
    return { object, operation, kind: { ...groupVersion(object.apiVersion), kind: String(object.kind ?? "") } };
}
