import { expect } from "chai";
import { clusterPrerequisites, PROMETHEUS_OPERATOR_CRDS } from "../components/clusterPrerequisites";
import { inClusterService } from "../components/config/url";
import { COMPONENT_TYPES } from "../components/naming";
import { RecordedResource, runProgram } from "../scripts/mockRuntime";
import { homelabEngineConfig, homelabObject, homelabWith } from "./support/configFixtures";

const PREREQUISITES_URN = (name: string, type: string) =>
    `urn:pulumi:homelab::falco::${COMPONENT_TYPES.prerequisites}$${type}::${name}`;

describe("ordering after the monitoring stack", () => {
    it("requires the Prometheus operator CRDs and the in-cluster Services the event targets name", () => {
        const required = clusterPrerequisites({ ...parseTargets(), monitoringStack: "", namespace: "falco" });
        expect(required.map((r) => `${r.kind} ${r.id}`)).to.deep.equal([
            "CustomResourceDefinition servicemonitors.monitoring.coreos.com",
            "CustomResourceDefinition prometheusrules.monitoring.coreos.com",
            "Service monitoring/alertmanager-operated",
            "Service monitoring/loki",
        ]);
    });

    it("reads a bare Service name in a target URL in falcosidekick's own namespace, where its DNS search path finds it", () => {
        const targets = { ...parseTargets(), alertmanager: { url: "http://alertmanager:9093", minimumPriority: "warning" as const } };
        const required = clusterPrerequisites({ ...targets, monitoringStack: "", namespace: "security" });
        expect(required.map((r) => r.resourceName)).to.include("required-alertmanager-service-security-alertmanager");
    });

    it("leaves the targets to the monitoring stack's reference when falco:monitoringStack is set", () => {
        const required = clusterPrerequisites({ ...parseTargets(), monitoringStack: "org/monitoring/homelab", namespace: "falco" });
        expect(required.map((r) => r.id)).to.deep.equal([...PROMETHEUS_OPERATOR_CRDS]);
    });

    it("reads a Service only from in-cluster URLs", () => {
        expect(inClusterService("http://loki.monitoring:3100", "falco")).to.deep.equal({ name: "loki", namespace: "monitoring" });
        expect(inClusterService("http://alertmanager-operated.monitoring.svc.cluster.local:9093", "falco")).to.deep.equal({ name: "alertmanager-operated", namespace: "monitoring" });
        expect(inClusterService("http://alertmanager-operated.monitoring.svc.home.arpa:9093", "falco")).to.deep.equal({ name: "alertmanager-operated", namespace: "monitoring" });
        expect(inClusterService("http://loki:3100", "falco")).to.deep.equal({ name: "loki", namespace: "falco" });
        expect(inClusterService("http://192.168.1.20:3100", "falco")).to.equal(undefined);
        expect(inClusterService("http://[fd00::20]:3100", "falco")).to.equal(undefined);
        expect(inClusterService("http://2130706433:3100", "falco")).to.equal(undefined);
        expect(inClusterService("https://logs.example.com:443", "falco")).to.equal(undefined);
        expect(inClusterService("loki.monitoring:3100", "falco")).to.equal(undefined);
    });

    it("with everything present: reads the prerequisites first, and the namespace, which all else waits on, depends on them", async () => {
        const { dependencies, resources } = await runProgram(homelabEngineConfig());
        expect(resources[0]).to.deep.include({ type: COMPONENT_TYPES.prerequisites, name: "cluster-prerequisites" });
        const namespace = dependencies.find((d) => d.type === COMPONENT_TYPES.namespace)!;
        expect(namespace.dependsOn).to.deep.equal([
            PREREQUISITES_URN("required-crd-servicemonitors.monitoring.coreos.com", "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"),
            PREREQUISITES_URN("required-crd-prometheusrules.monitoring.coreos.com", "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"),
            PREREQUISITES_URN("required-alertmanager-service-monitoring-alertmanager-operated", "kubernetes:core/v1:Service"),
            PREREQUISITES_URN("required-loki-service-monitoring-loki", "kubernetes:core/v1:Service"),
        ]);
    });

    for (const missing of [...PROMETHEUS_OPERATOR_CRDS, "monitoring/loki"]) {
        it(`with ${missing} missing: fails naming it, and declares nothing of the stack`, async () => {
            const declared: RecordedResource[] = [];
            let failure: unknown;
            try {
                await runProgram(homelabEngineConfig(), "homelab", undefined, declared, {}, [missing]);
            } catch (err) {
                failure = err;
            }
            expect(String(failure)).to.contain(`failed to read resource #${missing}`).and.contain("'required-");
            expect(declared.map((r) => r.type)).to.deep.equal([COMPONENT_TYPES.prerequisites]);
        });
    }

    it("does not read the monitoring namespace's Services for out-of-cluster targets", async () => {
        const loki = { ...homelabObject("loki"), url: "http://192.168.1.20:3100" };
        const network = homelabObject("network");
        const { dependencies } = await runProgram(homelabWith({ loki, network }), "homelab", undefined, [], {}, ["monitoring/loki"]);
        const namespace = dependencies.find((d) => d.type === COMPONENT_TYPES.namespace)!;
        expect(namespace.dependsOn.some((urn) => urn.includes("loki"))).to.equal(false);
    });
});

function parseTargets() {
    return { alertmanager: homelabObject("alertmanager"), loki: homelabObject("loki") };
}
