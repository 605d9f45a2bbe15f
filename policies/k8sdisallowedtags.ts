import { ALL_CONTAINER_FIELDS, EXEMPT_IMAGES_SCHEMA, judgedContainers } from "./core/containers";
import { gatekeeperPolicy } from "./core/pulumiPolicy";
import { regoShow } from "./core/regoQuantities";
import type { TemplateRule } from "./core/types";

/**
 * k8sdisallowedtags 1.0.2 (gatekeeper-library general/disallowedtags): Rego only.
 * An image ending in ":<tag>" for a listed tag is refused, and so is an image
 * whose last path segment has no ":" at all (no tag: the runtime pulls "latest").
 * A registry port ("host:5000/nginx") is not a tag; a digest ("@sha256:...") counts as one.
 */
export const rule: TemplateRule = {
    name: "k8sdisallowedtags",
    kind: "K8sDisallowedTags",
    engine: "Rego",
    libraryVersion: "1.0.2",
    description: "Container images must name a tag, and not one of the listed tags (gatekeeper-library k8sdisallowedtags).",
    parameterSchema: {
        type: "object",
        properties: { exemptImages: EXEMPT_IMAGES_SCHEMA, tags: { type: "array", items: { type: "string" } } },
    },
    evaluate(review, params) {
        const messages = new Set<string>();
        const tags: string[] = Array.isArray(params.tags) ? params.tags : [];
        for (const container of judgedContainers(review.object, ALL_CONTAINER_FIELDS, params.exemptImages, "Rego")) {
            if (typeof container.image !== "string") {
                continue;
            }
            const image: string = container.image;
            if (tags.some((tag) => image.endsWith(`:${tag}`))) {
                messages.add(`container <${regoShow(container.name)}> uses a disallowed tag <${image}>; disallowed tags are ${JSON.stringify(tags)}`);
            }
            const parts = image.split("/");
            if (!parts[parts.length - 1].includes(":")) {
                messages.add(`container <${regoShow(container.name)}> didn't specify an image tag <${image}>`);
            }
        }
        return [...messages];
    },
};

export const policy = gatekeeperPolicy(rule);
