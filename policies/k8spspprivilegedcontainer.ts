import { ALL_CONTAINER_FIELDS, EXEMPT_IMAGES_SCHEMA, judgedContainers } from "./core/containers";
import { gatekeeperPolicy } from "./core/pulumiPolicy";
import type { TemplateRule } from "./core/types";

/**
 * k8spspprivilegedcontainer 1.2.0 (gatekeeper-library pod-security-policy/privileged-containers).
 * Has CEL and Rego; Gatekeeper runs the CEL. Updates are not judged (the field is immutable).
 */
export const rule: TemplateRule = {
    name: "k8spspprivilegedcontainer",
    kind: "K8sPSPPrivilegedContainer",
    engine: "K8sNativeValidation",
    libraryVersion: "1.2.0",
    description: "No privileged containers, except exempt images (gatekeeper-library k8spspprivilegedcontainer).",
    parameterSchema: { type: "object", properties: { exemptImages: EXEMPT_IMAGES_SCHEMA } },
    evaluate(review, params) {
        if (review.operation === "UPDATE") {
            return [];
        }
        const bad = judgedContainers(review.object, ALL_CONTAINER_FIELDS, params.exemptImages, "K8sNativeValidation")
            .filter((c) => c.securityContext?.privileged === true)
            .map((c) => `Privileged container is not allowed: ${c.name}, securityContext.privileged: true`);
        return bad.length > 0 ? [bad.join(", ")] : [];
    },
};

export const policy = gatekeeperPolicy(rule);
