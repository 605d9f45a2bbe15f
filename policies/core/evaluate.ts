import { admittedObject, createReview, podOf } from "./admission";
import type { Constraint } from "./constraints";
import { constraintMatches, isClusterScoped, MatchContext } from "./match";
import type { K8sObject, Review, TemplateRule, Violation } from "./types";

/** Policy name for what the API server itself refuses (invalid quantities), before any webhook. */
export const API_SERVER_POLICY = "apiserver-validation";

export interface EvaluateOptions {
    /** Namespace of namespaced objects that do not name one (what `helm install -n` would set). */
    defaultNamespace?: string;
}

interface Subject {
    review: Review;
    /** Reported as this object (the workload for a Pod built from its template). */
    reportAs: K8sObject;
    prefix: string;
}

function unwrapAdmissionReview(object: K8sObject): { object: K8sObject; operation: Review["operation"] } {
    if (object.kind === "AdmissionReview" && object.request?.object) {
        return { object: object.request.object, operation: object.request.operation === "UPDATE" ? "UPDATE" : "CREATE" };
    }
    return { object, operation: "CREATE" };
}

/**
 * Gatekeeper's verdict on each object, plus on the Pods that workloads would
 * create. Pure: the same objects and constraints give the same violations.
 */
export function evaluate(inputs: readonly K8sObject[], constraints: readonly Constraint[], rules: readonly TemplateRule[], options: EvaluateOptions = {}): Violation[] {
    const ruleByKind = new Map(rules.map((r) => [r.kind, r]));
    const defaultNamespace = options.defaultNamespace ?? "default";
    const active = constraints.filter((c) => c.enforcementAction !== "dryrun" && ruleByKind.has(c.kind));
    const context: MatchContext = { namespaceLabels: new Map() };
    const unwrapped = inputs.map(unwrapAdmissionReview);
    for (const { object } of unwrapped) {
        if (object.kind === "Namespace" && object.metadata?.name) {
            context.namespaceLabels!.set(object.metadata.name, object.metadata.labels ?? {});
        }
    }
    const violations: Violation[] = [];
    for (const { object: raw, operation } of unwrapped) {
        const namespace = isClusterScoped(raw) ? "" : String(raw.metadata?.namespace ?? defaultNamespace);
        const withNamespace = namespace && !raw.metadata?.namespace ? { ...raw, metadata: { ...raw.metadata, namespace } } : raw;
        const { object, problems } = admittedObject(withNamespace);
        const where = { kind: String(raw.kind), namespace, name: String(raw.metadata?.name ?? "") };
        for (const message of problems) {
            violations.push({ policy: API_SERVER_POLICY, ...where, message, enforcement: "mandatory" });
        }
        if (problems.length > 0) {
            continue; // the API server refuses it; no webhook ever sees it
        }
        const subjects: Subject[] = [{ review: createReview(object, operation), reportAs: object, prefix: "" }];
        const pod = podOf(object);
        if (pod) {
            subjects.push({ review: createReview(pod, "CREATE"), reportAs: object, prefix: "pod template: " });
        }
        for (const constraint of active) {
            const rule = ruleByKind.get(constraint.kind)!;
            for (const subject of subjects) {
                if (!constraintMatches(constraint.match, subject.review.object, namespace, context)) {
                    continue;
                }
                for (const message of rule.evaluate(subject.review, constraint.parameters)) {
                    violations.push({
                        policy: rule.name,
                        ...where,
                        message: `${subject.prefix}${message} [constraint ${constraint.name}]`,
                        enforcement: constraint.enforcementAction === "deny" ? "mandatory" : "advisory",
                    });
                }
            }
        }
    }
    return violations;
}

export function hasMandatory(violations: readonly Violation[]): boolean {
    return violations.some((v) => v.enforcement === "mandatory");
}
