import { compareQuantities } from "../components/config/quantity";
import { EXEMPT_IMAGES_SCHEMA, RESOURCE_CONTAINER_FIELDS, judgedContainers } from "./core/containers";
import { gatekeeperPolicy } from "./core/pulumiPolicy";
import { regoCanonifyCpu, regoCanonifyMemory, regoMissing, regoShow } from "./core/regoQuantities";
import type { TemplateRule } from "./core/types";


/**
 * k8scontainerlimits 1.1.0 (gatekeeper-library general/containerlimits): Rego only.
 * Maxima are inclusive ("higher than" is a violation). A missing `cpu` parameter
 * disables the CPU checks (missing and unparseable CPU limits too), "-1" does the
 * same; memory is always required.
 */
export const rule: TemplateRule = {
    name: "k8scontainerlimits",
    kind: "K8sContainerLimits",
    engine: "Rego",
    libraryVersion: "1.1.0",
    description: "Containers must have memory and CPU limits, at most the given maxima (gatekeeper-library k8scontainerlimits).",
    parameterSchema: {
        type: "object",
        properties: { exemptImages: EXEMPT_IMAGES_SCHEMA, cpu: { type: "string" }, memory: { type: "string" } },
    },
    evaluate(review, params) {
        const messages = new Set<string>();
        const cpuChecked = params.cpu !== undefined && params.cpu !== "-1";
        for (const container of judgedContainers(review.object, RESOURCE_CONTAINER_FIELDS, params.exemptImages, "Rego")) {
            const name = regoShow(container.name);
            const limits = container.resources?.limits;
            if (cpuChecked && limits?.cpu !== undefined && !regoCanonifyCpu(limits.cpu)) {
                messages.add(`container <${name}> cpu limit <${regoShow(limits.cpu)}> could not be parsed`);
            }
            if (limits?.memory !== undefined && !regoCanonifyMemory(limits.memory)) {
                messages.add(`container <${name}> memory limit <${regoShow(limits.memory)}> could not be parsed`);
            }
            if (!container.resources || !limits) {
                messages.add(`container <${name}> has no resource limits`);
                continue;
            }
            if (cpuChecked && regoMissing(limits, "cpu")) {
                messages.add(`container <${name}> has no cpu limit`);
            }
            if (regoMissing(limits, "memory")) {
                messages.add(`container <${name}> has no memory limit`);
            }
            const cpu = regoCanonifyCpu(limits.cpu);
            const maxCpu = cpuChecked ? regoCanonifyCpu(params.cpu) : undefined;
            if (cpu && maxCpu && compareQuantities(cpu, maxCpu) > 0) {
                messages.add(`container <${name}> cpu limit <${regoShow(limits.cpu)}> is higher than the maximum allowed of <${params.cpu}>`);
            }
            const memory = regoCanonifyMemory(limits.memory);
            const maxMemory = params.memory !== undefined ? regoCanonifyMemory(params.memory) : undefined;
            if (memory && maxMemory && compareQuantities(memory, maxMemory) > 0) {
                messages.add(`container <${name}> memory limit <${regoShow(limits.memory)}> is higher than the maximum allowed of <${params.memory}>`);
            }
        }
        return [...messages];
    },
};

export const policy = gatekeeperPolicy(rule);
