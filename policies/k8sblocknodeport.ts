import { gatekeeperPolicy } from "./core/pulumiPolicy";
import type { TemplateRule } from "./core/types";

/** k8sblocknodeport 1.0.0 (gatekeeper-library general/block-nodeport-services): Rego only. */
export const rule: TemplateRule = {
    name: "k8sblocknodeport",
    kind: "K8sBlockNodePort",
    engine: "Rego",
    libraryVersion: "1.0.0",
    description: "Services of type NodePort are refused (gatekeeper-library k8sblocknodeport).",
    parameterSchema: { type: "object", properties: {} },
    evaluate(review) {
        if (review.kind.kind === "Service" && review.object?.spec?.type === "NodePort") {
            return ["User is not allowed to create service of type NodePort"];
        }
        return [];
    },
};

export const policy = gatekeeperPolicy(rule);
