import { compareQuantities } from "../components/config/quantity";
import { EXEMPT_IMAGES_SCHEMA, RESOURCE_CONTAINER_FIELDS, judgedContainers } from "./core/containers";
import { gatekeeperPolicy } from "./core/pulumiPolicy";
import { regoCanonifyCpu, regoCanonifyMemory, regoMissing, regoShow } from "./core/regoQuantities";
import type { TemplateRule } from "./core/types";

/**
 * k8scontainerrequests 1.0.1 (gatekeeper-library general/containerrequests): Rego only.
 * CPU and memory requests are always required; maxima are inclusive. At
 * admission a Pod's missing request defaults to its limit, so a container with
 * limits only passes the "required" checks.
 */
export const rule: TemplateRule = {
    name: "k8scontainerrequests",
    kind: "K8sContainerRequests",
    engine: "Rego",
    libraryVersion: "1.0.1",
    description: "Containers must have memory and CPU requests, at most the given maxima (gatekeeper-library k8scontainerrequests).",
    parameterSchema: {
        type: "object",
        properties: { exemptImages: EXEMPT_IMAGES_SCHEMA, cpu: { type: "string" }, memory: { type: "string" } },
    },
    evaluate(review, params) {
        const messages = new Set<string>();
        for (const container of judgedContainers(review.object, RESOURCE_CONTAINER_FIELDS, params.exemptImages, "Rego")) {
            const name = regoShow(container.name);
            const requests = container.resources?.requests;
            if (requests?.cpu !== undefined && !regoCanonifyCpu(requests.cpu)) {
                messages.add(`container <${name}> cpu request <${regoShow(requests.cpu)}> could not be parsed`);
            }
            if (requests?.memory !== undefined && !regoCanonifyMemory(requests.memory)) {
                messages.add(`container <${name}> memory request <${regoShow(requests.memory)}> could not be parsed`);
            }
            if (!container.resources || !requests) {
                messages.add(`container <${name}> has no resource requests`);
                continue;
            }
            if (regoMissing(requests, "cpu")) {
                messages.add(`container <${name}> has no cpu request`);
            }
            if (regoMissing(requests, "memory")) {
                messages.add(`container <${name}> has no memory request`);
            }
            const cpu = regoCanonifyCpu(requests.cpu);
            const maxCpu = params.cpu !== undefined ? regoCanonifyCpu(params.cpu) : undefined;
            if (cpu && maxCpu && compareQuantities(cpu, maxCpu) > 0) {
                messages.add(`container <${name}> cpu request <${regoShow(requests.cpu)}> is higher than the maximum allowed of <${params.cpu}>`);
            }
            const memory = regoCanonifyMemory(requests.memory);
            const maxMemory = params.memory !== undefined ? regoCanonifyMemory(params.memory) : undefined;
            if (memory && maxMemory && compareQuantities(memory, maxMemory) > 0) {
                messages.add(`container <${name}> memory request <${regoShow(requests.memory)}> is higher than the maximum allowed of <${params.memory}>`);
            }
        }
        return [...messages];
    },
};

export const policy = gatekeeperPolicy(rule);
