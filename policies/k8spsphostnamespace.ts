import { gatekeeperPolicy } from "./core/pulumiPolicy";
import type { TemplateRule } from "./core/types";

/**
 * k8spsphostnamespace 1.1.1 (gatekeeper-library pod-security-policy/host-namespaces).
 * Has CEL and Rego; Gatekeeper runs the CEL. Only hostPID and hostIPC count
 * (hostNetwork is k8spsphostnetworkingports), and the template has no
 * parameters: exemptions can only come from the constraint's `match`.
 */
export const rule: TemplateRule = {
    name: "k8spsphostnamespace",
    kind: "K8sPSPHostNamespace",
    engine: "K8sNativeValidation",
    libraryVersion: "1.1.1",
    description: "Pods may not share the host's PID or IPC namespace (gatekeeper-library k8spsphostnamespace).",
    parameterSchema: { type: "object", properties: {} },
    evaluate(review) {
        if (review.operation === "UPDATE") {
            return [];
        }
        const spec = review.object?.spec ?? {};
        if (spec.hostIPC === true || spec.hostPID === true) {
            return [`Sharing the host namespace is not allowed: ${review.object?.metadata?.name}`];
        }
        return [];
    },
};

export const policy = gatekeeperPolicy(rule);
