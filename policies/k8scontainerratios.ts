import { compareQuantities, Quantity } from "../components/config/quantity";
import { EXEMPT_IMAGES_SCHEMA, RESOURCE_CONTAINER_FIELDS, judgedContainers } from "./core/containers";
import { gatekeeperPolicy } from "./core/pulumiPolicy";
import { regoCanonifyCpu, regoCanonifyMemory, regoMissing, regoShow } from "./core/regoQuantities";
import type { TemplateRule } from "./core/types";

/** OPA to_number on the ratio parameter (a string such as "2" or "1.5"). */
function ratioValue(value: unknown): Quantity | undefined {
    if (typeof value !== "string" && typeof value !== "number") {
        return undefined;
    }
    const match = /^(\d+)(?:\.(\d+))?$/.exec(String(value));
    if (!match) {
        return undefined;
    }
    const fraction = match[2] ?? "";
    return { num: BigInt(match[1] + fraction), den: 10n ** BigInt(fraction.length) };
}

function times(a: Quantity, b: Quantity): Quantity {
    return { num: a.num * b.num, den: a.den * b.den };
}

/**
 * k8scontainerratios 1.0.1 (gatekeeper-library general/containerresourceratios): Rego only.
 * limits may be at most `ratio` (CPU: `cpuRatio`, defaulting to `ratio`) times the requests.
 */
export const rule: TemplateRule = {
    name: "k8scontainerratios",
    kind: "K8sContainerRatios",
    engine: "Rego",
    libraryVersion: "1.0.1",
    description: "Container limits may be at most a ratio of the requests (gatekeeper-library k8scontainerratios).",
    parameterSchema: {
        type: "object",
        properties: { exemptImages: EXEMPT_IMAGES_SCHEMA, ratio: { type: "string" }, cpuRatio: { type: "string" } },
    },
    evaluate(review, params) {
        const messages = new Set<string>();
        for (const container of judgedContainers(review.object, RESOURCE_CONTAINER_FIELDS, params.exemptImages, "Rego")) {
            const name = regoShow(container.name);
            const limits = container.resources?.limits;
            const requests = container.resources?.requests;
            for (const [what, values] of [["limit", limits], ["request", requests]] as const) {
                if (values?.cpu !== undefined && !regoCanonifyCpu(values.cpu)) {
                    messages.add(`container <${name}> cpu ${what} <${regoShow(values.cpu)}> could not be parsed`);
                }
                if (values?.memory !== undefined && !regoCanonifyMemory(values.memory)) {
                    messages.add(`container <${name}> memory ${what} <${regoShow(values.memory)}> could not be parsed`);
                }
            }
            if (!container.resources || !limits) {
                messages.add(`container <${name}> has no resource limits`);
            } else {
                if (regoMissing(limits, "cpu")) messages.add(`container <${name}> has no cpu limit`);
                if (regoMissing(limits, "memory")) messages.add(`container <${name}> has no memory limit`);
            }
            if (!requests) {
                messages.add(`container <${name}> has no resource requests`);
            } else {
                if (regoMissing(requests, "cpu")) messages.add(`container <${name}> has no cpu request`);
                if (regoMissing(requests, "memory")) messages.add(`container <${name}> has no memory request`);
            }
            const cpuRatioText = params.cpuRatio !== undefined ? params.cpuRatio : params.ratio;
            const cpuRatio = ratioValue(cpuRatioText);
            const cpuLimit = regoCanonifyCpu(limits?.cpu);
            const cpuRequest = regoCanonifyCpu(requests?.cpu);
            if (cpuRatio && cpuLimit && cpuRequest && compareQuantities(cpuLimit, times(cpuRatio, cpuRequest)) > 0) {
                messages.add(`container <${name}> cpu limit <${regoShow(limits.cpu)}> is higher than the maximum allowed ratio of <${cpuRatioText}>`);
            }
            const ratio = ratioValue(params.ratio);
            const memoryLimit = regoCanonifyMemory(limits?.memory);
            const memoryRequest = regoCanonifyMemory(requests?.memory);
            if (ratio && memoryLimit && memoryRequest && compareQuantities(memoryLimit, times(ratio, memoryRequest)) > 0) {
                messages.add(`container <${name}> memory limit <${regoShow(limits.memory)}> is higher than the maximum allowed ratio of <${params.ratio}>`);
            }
        }
        return [...messages];
    },
};

export const policy = gatekeeperPolicy(rule);
