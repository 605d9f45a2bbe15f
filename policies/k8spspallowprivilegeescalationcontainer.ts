import { ALL_CONTAINER_FIELDS, EXEMPT_IMAGES_SCHEMA, judgedContainers } from "./core/containers";
import { gatekeeperPolicy } from "./core/pulumiPolicy";
import type { TemplateRule } from "./core/types";

/**
 * k8spspallowprivilegeescalationcontainer 1.1.1 (gatekeeper-library
 * pod-security-policy/allow-privilege-escalation). Has CEL and Rego; Gatekeeper
 * runs the CEL. Every container must say allowPrivilegeEscalation: false
 * explicitly: the API server does not default it.
 */
export const rule: TemplateRule = {
    name: "k8spspallowprivilegeescalationcontainer",
    kind: "K8sPSPAllowPrivilegeEscalationContainer",
    engine: "K8sNativeValidation",
    libraryVersion: "1.1.1",
    description: "Containers must set allowPrivilegeEscalation: false (gatekeeper-library k8spspallowprivilegeescalationcontainer).",
    parameterSchema: { type: "object", properties: { exemptImages: EXEMPT_IMAGES_SCHEMA } },
    evaluate(review, params) {
        if (review.operation === "UPDATE") {
            return [];
        }
        const bad = judgedContainers(review.object, ALL_CONTAINER_FIELDS, params.exemptImages, "K8sNativeValidation")
            .filter((c) => c.securityContext?.allowPrivilegeEscalation !== false);
        return bad.length > 0 ? [`Privilege escalation container is not allowed: ${bad.map((c) => c.image).join(", ")}`] : [];
    },
};

export const policy = gatekeeperPolicy(rule);
