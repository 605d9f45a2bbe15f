import { expect } from "chai";
import type { K8sObject } from "../../policies/core/types";
import { constraint, container, pod, violations } from "./support";

const bigMemory = { resources: { limits: { cpu: "100m", memory: "4Gi" } } };
const podSpec = { containers: [container("app", "nginx:1.27", bigMemory)] };
const limits2Gi = constraint("K8sContainerLimits", { memory: "2Gi" });

function workload(kind: string, apiVersion: string, spec: Record<string, unknown>): K8sObject {
    return { apiVersion, kind, metadata: { name: `a-${kind.toLowerCase()}`, namespace: "apps" }, spec };
}

describe("evaluation of workloads, match and enforcement", () => {
    const template = { metadata: { labels: { app: "a" } }, spec: podSpec };
    const workloads: K8sObject[] = [
        workload("Deployment", "apps/v1", { template }),
        workload("DaemonSet", "apps/v1", { template }),
        workload("StatefulSet", "apps/v1", { template }),
        workload("ReplicaSet", "apps/v1", { template }),
        workload("Job", "batch/v1", { template }),
        workload("CronJob", "batch/v1", { schedule: "* * * * *", jobTemplate: { spec: { template } } }),
    ];

    for (const object of workloads) {
        it(`judges a ${object.kind} by the Pods it creates, though the constraint matches only Pods`, () => {
            const found = violations(object, limits2Gi);
            expect(found).to.have.length(1);
            expect(found[0]).to.include({ kind: object.kind, name: object.metadata.name, namespace: "apps", policy: "k8scontainerlimits", enforcement: "mandatory" });
            expect(found[0].message).to.match(/^pod template: container <app> memory limit <4Gi>/);
        });
    }

    it("defaults a pod template's requests only in the Pod, as the API server does", () => {
        const deployment = workload("Deployment", "apps/v1", { template: { spec: { containers: [container("app", "nginx:1.27", { resources: { limits: { cpu: "1", memory: "1Gi" } } })] } } });
        const requireRequests = constraint("K8sRequiredResources", { requests: ["cpu", "memory"] }, { match: { kinds: [{ apiGroups: ["apps"], kinds: ["Deployment"] }, { apiGroups: [""], kinds: ["Pod"] }] } });
        expect(violations(deployment, requireRequests)).to.deep.equal([]);
    });

    it("honours namespaces, excludedNamespaces and labelSelector", () => {
        const inNamespace = (namespace: string, labels: Record<string, string> = {}) => pod("p", podSpec, { namespace, labels });
        const only = constraint("K8sContainerLimits", { memory: "2Gi" }, { match: { kinds: [{ apiGroups: [""], kinds: ["Pod"] }], namespaces: ["team-*"] } });
        expect(violations(inNamespace("team-a"), only)).to.have.length(1);
        expect(violations(inNamespace("falco"), only)).to.have.length(0);
        const excluded = constraint("K8sContainerLimits", { memory: "2Gi" }, { match: { excludedNamespaces: ["kube-*", "*-system"] } });
        expect(violations(inNamespace("kube-public"), excluded)).to.have.length(0);
        expect(violations(inNamespace("gatekeeper-system"), excluded)).to.have.length(0);
        expect(violations(inNamespace("apps"), excluded)).to.have.length(1);
        const selected = constraint("K8sContainerLimits", { memory: "2Gi" }, {
            match: { labelSelector: { matchLabels: { tier: "web" }, matchExpressions: [{ key: "exempt", operator: "DoesNotExist" }] } },
        });
        expect(violations(inNamespace("apps", { tier: "web" }), selected)).to.have.length(1);
        expect(violations(inNamespace("apps", { tier: "db" }), selected)).to.have.length(0);
        expect(violations(inNamespace("apps", { tier: "web", exempt: "yes" }), selected)).to.have.length(0);
    });

    it("does not match a kind the constraint does not list", () => {
        const servicesOnly = constraint("K8sContainerLimits", { memory: "2Gi" }, { match: { kinds: [{ apiGroups: [""], kinds: ["Service"] }] } });
        expect(violations(pod("p", podSpec), servicesOnly)).to.have.length(0);
    });

    it("maps deny to mandatory, warn to advisory, and reports nothing for dryrun", () => {
        const p = pod("p", podSpec);
        expect(violations(p, { ...limits2Gi, enforcementAction: "warn" }).map((v) => v.enforcement)).to.deep.equal(["advisory"]);
        expect(violations(p, { ...limits2Gi, enforcementAction: "dryrun" })).to.deep.equal([]);
    });

    it("puts namespaced objects without a namespace in the default namespace", () => {
        const c = constraint("K8sContainerLimits", { memory: "2Gi" }, { match: { namespaces: ["default"] } });
        expect(violations(pod("p", podSpec), c)[0].namespace).to.equal("default");
    });
});

describe("k8spsphostnamespace corner cases", () => {
    const c = constraint("K8sPSPHostNamespace");
    it("refuses hostPID alone and hostIPC alone, but not hostNetwork (another template's concern)", () => {
        expect(violations(pod("p", { hostPID: true, containers: [container("c", "nginx:1")] }), c)).to.have.length(1);
        expect(violations(pod("p", { hostIPC: true, containers: [container("c", "nginx:1")] }), c)).to.have.length(1);
        expect(violations(pod("p", { hostNetwork: true, containers: [container("c", "nginx:1")] }), c)).to.have.length(0);
    });
});
