import { expect } from "chai";
import { footprintPods } from "../../components/footprint";
import type { FalcoChartValues } from "../../components/falcoValues";
import { loadConstraints } from "../../policies/core/constraints";
import { evaluate } from "../../policies/core/evaluate";
import type { K8sObject } from "../../policies/core/types";
import { GATEKEEPER_TEMPLATES, HOMELAB_CONSTRAINTS_DIR } from "../../policies/gatekeeperTemplates";
import { runProgram } from "../../scripts/mockRuntime";
import { homelabEngineConfig } from "../support/configFixtures";

/**
 * Under Pulumi's mocks the Helm v4 Chart has no children, so the dogfood test
 * cannot see the chart's pods. Their containers and resources are modelled in
 * components/footprint.ts (footprintPods, chart 8.0.1 knowledge): judge those
 * Pods against the homelab's resource constraints, which is what the cluster
 * does to every Pod the DaemonSet, Deployments and StatefulSet create.
 */
const RESOURCE_KINDS = ["K8sContainerLimits", "K8sRequiredResources", "K8sContainerRequests", "K8sContainerRatios"];

describe("the chart's pods for the homelab values", () => {
    it("pass the homelab's resource constraints, container by container (init containers and falcoctl included)", async () => {
        const config = homelabEngineConfig();
        const { resources } = await runProgram(config);
        const values = resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart")!.inputs.values as unknown as FalcoChartValues;
        const pods: K8sObject[] = footprintPods(values, 1).map((pod) => ({
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: `${pod.component}-pod`, namespace: "falco" },
            spec: {
                containers: pod.containers.filter((c) => !c.init).map((c) => ({ name: c.name, resources: { limits: c.limits, requests: c.requests } })),
                initContainers: pod.containers.filter((c) => c.init).map((c) => ({ name: c.name, resources: { limits: c.limits, requests: c.requests } })),
            },
        }));
        expect(pods.map((p) => p.metadata.name)).to.include.members(["falco-pod", "sidekick-pod", "webui-pod", "redis-pod"]);
        const constraints = loadConstraints(HOMELAB_CONSTRAINTS_DIR, GATEKEEPER_TEMPLATES).filter((c) => RESOURCE_KINDS.includes(c.kind));
        const found = evaluate(pods, constraints, GATEKEEPER_TEMPLATES).map((v) => `${v.name}: ${v.message}`);
        expect(found).to.deep.equal([]);
    });
});
