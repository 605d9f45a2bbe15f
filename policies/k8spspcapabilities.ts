import { ALL_CONTAINER_FIELDS, EXEMPT_IMAGES_SCHEMA, judgedContainers } from "./core/containers";
import { gatekeeperPolicy } from "./core/pulumiPolicy";
import type { TemplateRule } from "./core/types";

const STRINGS = { type: "array", items: { type: "string" } } as const;

/**
 * k8spspcapabilities 1.1.3 (gatekeeper-library pod-security-policy/capabilities).
 * Has CEL and Rego; Gatekeeper runs the CEL, which (unlike the Rego) compares
 * capability names case-sensitively, except that a dropped "ALL" is recognised
 * in any case. "*" in allowedCapabilities allows any addition.
 */
export const rule: TemplateRule = {
    name: "k8spspcapabilities",
    kind: "K8sPSPCapabilities",
    engine: "K8sNativeValidation",
    libraryVersion: "1.1.3",
    description: "Containers may add only allowed capabilities and must drop the required ones (gatekeeper-library k8spspcapabilities).",
    parameterSchema: {
        type: "object",
        properties: { exemptImages: EXEMPT_IMAGES_SCHEMA, allowedCapabilities: STRINGS, requiredDropCapabilities: STRINGS },
    },
    evaluate(review, params) {
        if (review.operation === "UPDATE") {
            return [];
        }
        const allowed: string[] = Array.isArray(params.allowedCapabilities) ? params.allowedCapabilities : [];
        const requiredDrop: string[] = Array.isArray(params.requiredDropCapabilities) ? params.requiredDropCapabilities : [];
        const disallowed: string[] = [];
        const missingDrop: string[] = [];
        for (const container of judgedContainers(review.object, ALL_CONTAINER_FIELDS, params.exemptImages, "K8sNativeValidation")) {
            const capabilities = container.securityContext?.capabilities;
            const added: string[] = Array.isArray(capabilities?.add) ? capabilities.add : [];
            const notAllowed = added.filter((c) => !allowed.includes(c));
            if (!allowed.includes("*") && notAllowed.length > 0) {
                disallowed.push(`{container: ${container.name}, capabilities: [${notAllowed.join(", ")}]}`);
            }
            if (requiredDrop.length > 0) {
                const dropped: string[] | undefined = Array.isArray(capabilities?.drop) ? capabilities.drop : undefined;
                const missing = dropped === undefined ? requiredDrop : requiredDrop.filter((c) => !dropped.includes(c));
                const dropsAll = dropped !== undefined && dropped.some((c) => typeof c === "string" && c.toLowerCase() === "all");
                if (!dropsAll && missing.length > 0) {
                    missingDrop.push(`{container: ${container.name}, capabilities: [${missing.join(", ")}]}`);
                }
            }
        }
        const messages: string[] = [];
        if (disallowed.length > 0) {
            messages.push(`containers have disallowed capabilities: ${disallowed.join(", ")}`);
        }
        if (missingDrop.length > 0) {
            messages.push(`containers are not dropping all required capabilities: ${missingDrop.join(", ")}`);
        }
        return messages;
    },
};

export const policy = gatekeeperPolicy(rule);
