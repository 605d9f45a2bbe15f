import { ALL_CONTAINER_FIELDS, containersIn } from "./core/containers";
import { gatekeeperPolicy } from "./core/pulumiPolicy";
import { regoShow } from "./core/regoQuantities";
import type { TemplateRule } from "./core/types";

const FIELD_LABEL = { containers: "container", initContainers: "initContainer", ephemeralContainers: "ephemeralContainer" } as const;

/**
 * k8sallowedrepos 1.0.2 (gatekeeper-library general/allowedrepos): Rego only.
 * Plain string prefixes: "docker.io/falco" also admits "docker.io/falcon-evil/x",
 * which is why the library recommends ending each repo with "/". Without a
 * `repos` parameter nothing is admitted.
 */
export const rule: TemplateRule = {
    name: "k8sallowedrepos",
    kind: "K8sAllowedRepos",
    engine: "Rego",
    libraryVersion: "1.0.2",
    description: "Container images must start with one of the listed prefixes (gatekeeper-library k8sallowedrepos).",
    parameterSchema: { type: "object", properties: { repos: { type: "array", items: { type: "string" } } } },
    evaluate(review, params) {
        const messages = new Set<string>();
        const repos: string[] | undefined = Array.isArray(params.repos) ? params.repos : undefined;
        for (const { field, container } of containersIn(review.object, ALL_CONTAINER_FIELDS)) {
            const image = container.image;
            const allowed = repos !== undefined && typeof image === "string" && repos.some((prefix) => image.startsWith(prefix));
            if (!allowed) {
                messages.add(`${FIELD_LABEL[field]} <${regoShow(container.name)}> has an invalid image repo <${regoShow(image)}>, allowed repos are ${JSON.stringify(repos ?? null)}`);
            }
        }
        return [...messages];
    },
};

export const policy = gatekeeperPolicy(rule);
