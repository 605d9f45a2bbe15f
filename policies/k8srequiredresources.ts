import { EXEMPT_IMAGES_SCHEMA, RESOURCE_CONTAINER_FIELDS, judgedContainers } from "./core/containers";
import { gatekeeperPolicy } from "./core/pulumiPolicy";
import { regoShow, regoTruthy } from "./core/regoQuantities";
import type { TemplateRule } from "./core/types";

const RESOURCE_NAMES = { type: "array", items: { type: "string", enum: ["cpu", "memory"] } } as const;

/**
 * k8srequiredresources 1.0.1 (gatekeeper-library general/containerresources): Rego only.
 * Each listed limit and request must be present; values are not judged.
 */
export const rule: TemplateRule = {
    name: "k8srequiredresources",
    kind: "K8sRequiredResources",
    engine: "Rego",
    libraryVersion: "1.0.1",
    description: "Containers must define the listed resource limits and requests (gatekeeper-library k8srequiredresources).",
    parameterSchema: {
        type: "object",
        properties: { exemptImages: EXEMPT_IMAGES_SCHEMA, limits: RESOURCE_NAMES, requests: RESOURCE_NAMES },
    },
    evaluate(review, params) {
        const messages = new Set<string>();
        for (const container of judgedContainers(review.object, RESOURCE_CONTAINER_FIELDS, params.exemptImages, "Rego")) {
            for (const what of ["limits", "requests"] as const) {
                const given = container.resources?.[what] ?? {};
                const required: string[] = Array.isArray(params[what]) ? params[what] : [];
                const missing = [...new Set(required)].filter((resource) => !regoTruthy(given[resource])).sort();
                if (missing.length > 0) {
                    messages.add(`container <${regoShow(container.name)}> does not have <${JSON.stringify(missing)}> ${what} defined`);
                }
            }
        }
        return [...messages];
    },
};

export const policy = gatekeeperPolicy(rule);
