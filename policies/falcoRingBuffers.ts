import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkFalcoRingBuffers } from "../components/config/sizing";
import { defaultNodeCpu, driverSizing, falcoChartValues } from "./core/chartValues";

/** Falco's eBPF/kmod ring buffers, at the nodes' CPU count, fit its memory limit with headroom. */
export const policy: ResourceValidationPolicy = {
    name: "falco-ring-buffers",
    description: "Falco's ring buffers (bufSizePreset size x buffers for the node's CPUs) plus headroom fit the Falco container's memory limit.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            nodeCpu: { type: "string", description: "CPUs of the largest node Falco runs on (a Kubernetes quantity); default: falco:nodeAllocatable.cpu's default in Pulumi.yaml." },
        },
    },
    validateResource: (args, reportViolation) => {
        const values = falcoChartValues(args.type, args.props);
        const driver = values && driverSizing(values);
        const limit = values?.resources?.limits?.memory;
        if (!driver || typeof limit !== "string") {
            return;
        }
        const nodeCpu = args.getConfig<{ nodeCpu?: string }>().nodeCpu ?? defaultNodeCpu();
        const problem = checkFalcoRingBuffers(driver, nodeCpu, limit, { driver: "values.driver", cpus: "policy config nodeCpu", limit: "values.resources.limits.memory" });
        if (problem) {
            reportViolation(problem);
        }
    },
};
