import { ALL_CONTAINER_FIELDS, EXEMPT_IMAGES_SCHEMA, judgedContainers } from "./core/containers";
import { gatekeeperPolicy } from "./core/pulumiPolicy";
import type { TemplateRule } from "./core/types";

/**
 * k8spspreadonlyrootfilesystem 1.1.2 (gatekeeper-library
 * pod-security-policy/read-only-root-filesystem). Has CEL and Rego; Gatekeeper runs the CEL.
 */
export const rule: TemplateRule = {
    name: "k8spspreadonlyrootfilesystem",
    kind: "K8sPSPReadOnlyRootFilesystem",
    engine: "K8sNativeValidation",
    libraryVersion: "1.1.2",
    description: "Containers must set readOnlyRootFilesystem: true (gatekeeper-library k8spspreadonlyrootfilesystem).",
    parameterSchema: { type: "object", properties: { exemptImages: EXEMPT_IMAGES_SCHEMA } },
    evaluate(review, params) {
        if (review.operation === "UPDATE") {
            return [];
        }
        const bad = judgedContainers(review.object, ALL_CONTAINER_FIELDS, params.exemptImages, "K8sNativeValidation")
            .filter((c) => c.securityContext?.readOnlyRootFilesystem !== true);
        return bad.length > 0 ? [`only read-only root filesystem container is allowed: ${bad.map((c) => c.name).join(", ")}`] : [];
    },
};

export const policy = gatekeeperPolicy(rule);
