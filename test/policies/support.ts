import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { Constraint } from "../../policies/core/constraints";
import { evaluate } from "../../policies/core/evaluate";
import type { K8sObject, Violation } from "../../policies/core/types";
import { GATEKEEPER_TEMPLATES } from "../../policies/gatekeeperTemplates";

/** Pods only, as every library sample constraint matches them. */
export const PODS = { kinds: [{ apiGroups: [""], kinds: ["Pod"] }] };

/** A factory for constraints in tests: kind, parameters, optional match and action. */
export function constraint(kind: string, parameters: Record<string, unknown> = {}, extra: Partial<Constraint> = {}): Constraint {
    return { kind, name: `test-${kind.toLowerCase()}`, source: "test", enforcementAction: "deny", match: PODS, parameters, ...extra };
}

export function pod(name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): K8sObject {
    return { apiVersion: "v1", kind: "Pod", metadata: { name, ...metadata }, spec };
}

export function container(name: string, image: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { name, image, ...extra };
}

/** An AdmissionReview for an UPDATE, as the library's update.yaml samples are. */
export function updateReview(object: K8sObject): K8sObject {
    return { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: { operation: "UPDATE", object, oldObject: object } };
}

export function violations(objects: K8sObject | K8sObject[], constraints: Constraint | Constraint[]): Violation[] {
    return evaluate(([] as K8sObject[]).concat(objects), ([] as Constraint[]).concat(constraints), GATEKEEPER_TEMPLATES);
}

/** A library suite case: the object, the constraint and the verdict the suite asserts. */
export interface SuiteCase {
    name: string;
    object: K8sObject;
    violations: boolean | number;
}

/** Runs one CrossGuard resource policy the way the engine does, collecting its violations. */
export function runResourcePolicy(policy: ResourceValidationPolicy, type: string, props: Record<string, unknown>, config: Record<string, unknown> = {}): string[] {
    const reported: string[] = [];
    const validations = (Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource]).filter((v): v is NonNullable<typeof v> => v !== undefined);
    for (const validate of validations) {
        void validate({ type, props, urn: `urn:pulumi:homelab::falco::${type}::test`, name: "test", getConfig: <T>() => config as T } as any, (message: string) => reported.push(message));
    }
    return reported;
}

