import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { parseQuantity } from "../components/config/quantity";
import { parseStackConfig } from "../components/config/stackConfig";
import { falcoValues, FalcoChartValues } from "../components/falcoValues";
import { computeFootprint, Footprint, footprintSizing, footprintSummary, FootprintSizing } from "../components/footprint";
import { OLD_DEPLOYMENT_FIGURES, OLD_DEPLOYMENT_PVC } from "../components/footprintReport";
import { PROJECT_ROOT, runProgram } from "../scripts/mockRuntime";
import { render } from "../scripts/render";
import { homelabEngineConfig, homelabWith } from "./support/configFixtures";

/** Plain-number reading of a quantity: millicores for CPU, bytes for memory. Exact for the sizes used here. */
const milli = (text: string) => {
    const q = parseQuantity(text)!;
    return (Number(q.num) * 1000) / Number(q.den);
};
const bytes = (text: string) => {
    const q = parseQuantity(text)!;
    return Number(q.num) / Number(q.den);
};

function homelab(overrides: Record<string, unknown> = {}): { values: FalcoChartValues; sizing: FootprintSizing } {
    const config = parseStackConfig(homelabWith(overrides));
    return { values: falcoValues(config), sizing: footprintSizing(config) };
}

describe("footprint", () => {
    describe("footprint.json of the homelab render", () => {
        let outDir: string;
        let footprint: Footprint;
        let values: any;
        let config: Record<string, any>;
        before(async () => {
            outDir = fs.mkdtempSync(path.join(os.tmpdir(), "falco-footprint-"));
            await render({ stack: "homelab", stackFile: path.join(PROJECT_ROOT, "Pulumi.homelab.yaml"), outDir });
            footprint = JSON.parse(fs.readFileSync(path.join(outDir, "footprint.json"), "utf8"));
            values = YAML.parse(fs.readFileSync(path.join(outDir, "values", "falco.yaml"), "utf8"));
            config = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.homelab.yaml"), "utf8")).config;
        });

        it("matches an independent recomputation from the rendered chart values and the stack file", () => {
            // Recomputed here by hand-written arithmetic on plain numbers, from values/falco.yaml:
            // the Falco pod requests max(falcoctl install init container, falco container) (the
            // follow sidecar is off: the homelab pins the rules); the web UI pod requests
            // max(wait-redis init container, UI container); redis is one StatefulSet pod.
            const nodes: number = config["falco:nodes"];
            const sk = values.falcosidekick;
            const install = values.falcoctl.artifact.install.resources;
            expect(values.falcoctl.artifact.follow.enabled).to.equal(false);
            const falcoPod = {
                cpu: Math.max(milli(values.resources.requests.cpu), milli(install.requests.cpu)),
                mem: Math.max(bytes(values.resources.requests.memory), bytes(install.requests.memory)),
            };
            const sidekickPod = { cpu: milli(sk.resources.requests.cpu), mem: bytes(sk.resources.requests.memory) };
            const webuiPod = {
                cpu: Math.max(milli(sk.webui.resources.requests.cpu), milli(sk.webui.initContainer.resources.requests.cpu)),
                mem: Math.max(bytes(sk.webui.resources.requests.memory), bytes(sk.webui.initContainer.resources.requests.memory)),
            };
            const redisPod = { cpu: milli(sk.webui.redis.resources.requests.cpu), mem: bytes(sk.webui.redis.resources.requests.memory) };
            const others = {
                cpu: sidekickPod.cpu * sk.replicaCount + webuiPod.cpu * sk.webui.replicaCount + redisPod.cpu,
                mem: sidekickPod.mem * sk.replicaCount + webuiPod.mem * sk.webui.replicaCount + redisPod.mem,
            };
            const cluster = { cpu: falcoPod.cpu * nodes + others.cpu, mem: falcoPod.mem * nodes + others.mem };
            const allocatable = { cpu: milli(config["falco:nodeAllocatable"].cpu), mem: bytes(config["falco:nodeAllocatable"].memory) };
            const percent = (part: number, whole: number) => Math.floor((part / whole) * 10000) / 100;

            const byComponent = Object.fromEntries(footprint.components.map((c) => [c.component, c]));
            expect(byComponent.falco.replicas).to.equal(nodes);
            expect(milli(byComponent.falco.total.requests.cpu)).to.equal(falcoPod.cpu * nodes);
            expect(bytes(byComponent.falco.total.requests.memory)).to.equal(falcoPod.mem * nodes);
            expect(bytes(byComponent.webui.perPod.requests.memory)).to.equal(webuiPod.mem);
            expect(byComponent.redis.replicas).to.equal(1);

            expect(milli(footprint.cluster.requests.cpu)).to.equal(cluster.cpu);
            expect(bytes(footprint.cluster.requests.memory)).to.equal(cluster.mem);
            expect(footprint.cluster.requestsShare.memoryPercent).to.equal(percent(cluster.mem, allocatable.mem * nodes));
            expect(footprint.cluster.requestsShare.cpuPercent).to.equal(percent(cluster.cpu, allocatable.cpu * nodes));

            expect(bytes(footprint.perNode.everyNode.requests.memory)).to.equal(falcoPod.mem);
            expect(bytes(footprint.perNode.busiestNode.requests.memory)).to.equal(falcoPod.mem + others.mem);
            expect(footprint.perNode.busiestNode.requestsShare.memoryPercent).to.equal(percent(falcoPod.mem + others.mem, allocatable.mem));

            const limitsOf = (spec: any) => ({ cpu: milli(spec.limits.cpu), mem: bytes(spec.limits.memory) });
            const webuiLimit = Math.max(limitsOf(sk.webui.resources).mem, limitsOf(sk.webui.initContainer.resources).mem);
            const boundedLimitMem =
                Math.max(limitsOf(values.resources).mem, limitsOf(install).mem) * nodes + limitsOf(sk.resources).mem * sk.replicaCount + webuiLimit * sk.webui.replicaCount + limitsOf(sk.webui.redis.resources).mem;
            expect(bytes(footprint.cluster.limits.memory)).to.equal(boundedLimitMem);
            // Every container has limits (falcoctl's from FALCOCTL_RESOURCES): the cluster limit is exact.
            expect(footprint.cluster.limits.unbounded).to.equal(undefined);

            expect(footprint.storage.claims).to.deep.equal([{ component: "redis", name: "redis data", size: sk.webui.redis.storageSize, count: 1 }]);
            expect(bytes(footprint.storage.total)).to.equal(bytes(config["falco:redis"].storageSize));
            expect(footprint.warnings).to.deep.equal([]);
        });

        it("leaves no container without resources (the cluster's Gatekeeper requires them), falcoctl's included", () => {
            const falco = footprint.components.find((c) => c.component === "falco")!;
            expect(falco.unset).to.deep.equal([]);
        });

        it("is summarised in the stack output, and the homelab preview shows no footprint warning", async () => {
            const { outputs, warnings } = await runProgram(homelabEngineConfig());
            expect(outputs.footprint).to.deep.equal(footprintSummary(footprint));
            expect(warnings).to.deep.equal([]);
        });
    });

    describe("effective pod requests", () => {
        it("count the larger of the init container and the app containers", () => {
            const { values, sizing } = homelab();
            values.falcosidekick.webui.initContainer.resources = { requests: { cpu: "300m", memory: "96Mi" }, limits: { cpu: "300m", memory: "96Mi" } };
            const webui = computeFootprint(values, sizing).components.find((c) => c.component === "webui")!;
            expect(webui.perPod.requests).to.deep.equal({ cpu: "300m", memory: "96Mi" });
            expect(webui.perPod.limits).to.deep.equal({ cpu: "300m", memory: "128Mi" });
        });

        it("count a limit without a request as the request", () => {
            const { values, sizing } = homelab();
            values.falcosidekick.resources = { limits: { cpu: "100m", memory: "64Mi" } } as any;
            const sidekick = computeFootprint(values, sizing).components.find((c) => c.component === "sidekick")!;
            expect(sidekick.perPod.requests).to.deep.equal({ cpu: "100m", memory: "64Mi" });
        });

        it("add the driver loader init container for drivers other than modern_ebpf", () => {
            const { values, sizing } = homelab({ driver: { kind: "ebpf", bufSizePreset: 4, cpusForEachBuffer: 2 } });
            const falco = computeFootprint(values, sizing).components.find((c) => c.component === "falco")!;
            expect(falco.containers.map((c) => c.name)).to.include("falco-driver-loader");
            const modern = computeFootprint(homelab().values, sizing).components.find((c) => c.component === "falco")!;
            expect(modern.containers.map((c) => c.name)).to.not.include("falco-driver-loader");
        });

        it("count falcoctl's containers once the chart values give them resources", () => {
            const { values, sizing } = homelab();
            const spec = { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "50m", memory: "64Mi" } };
            (values as any).falcoctl = { artifact: { install: { resources: spec }, follow: { resources: spec } } };
            const falco = computeFootprint(values, sizing).components.find((c) => c.component === "falco")!;
            expect(falco.perPod.requests).to.deep.equal({ cpu: "60m", memory: "144Mi" });
            expect(falco.perPod.limits).to.deep.equal({ cpu: "550m", memory: "576Mi" });
            expect(falco.unset).to.deep.equal([]);
        });
    });

    describe("scaling and warnings", () => {
        it("multiplies the DaemonSet by falco:nodes and the Deployments by their replicas", () => {
            const five = computeFootprint(homelab().values, homelab().sizing);
            const { values, sizing } = homelab({ nodes: 50, sidekick: { replicas: 1 } });
            const fifty = computeFootprint(values, sizing);
            const component = (f: Footprint, name: string) => f.components.find((c) => c.component === name)!;
            expect(bytes(component(fifty, "falco").total.requests.memory)).to.equal(10 * bytes(component(five, "falco").total.requests.memory));
            expect(bytes(component(fifty, "sidekick").total.requests.memory)).to.equal(bytes(component(five, "sidekick").total.requests.memory) / 2);
            expect(fifty.cluster.allocatable).to.deep.equal({ cpu: "200", memory: "400Gi" });
        });

        it("warns when a node could exceed the configured share of its memory on requests alone, exactly at the boundary", () => {
            const busiest = bytes(computeFootprint(homelab().values, homelab().sizing).perNode.busiestNode.requests.memory);
            const mi = 2 ** 20;
            // The busiest node's requests exactly 25% of allocatable: no warning; one MiB less allocatable: warning.
            const atBoundary = homelab({ nodeAllocatable: { cpu: "4", memory: `${(busiest * 4) / mi}Mi` } });
            expect(computeFootprint(atBoundary.values, atBoundary.sizing).warnings).to.deep.equal([]);
            const above = homelab({ nodeAllocatable: { cpu: "4", memory: `${(busiest * 4) / mi - 1}Mi` } });
            const warnings = computeFootprint(above.values, above.sizing).warnings;
            expect(warnings).to.have.length(1);
            expect(warnings[0]).to.match(/^busiest node: .* above 25% \(falco:footprintMemoryWarnPercent\)/);
        });

        it("takes the warning threshold from falco:footprintMemoryWarnPercent", () => {
            const { values, sizing } = homelab({ footprintMemoryWarnPercent: 20 });
            expect(computeFootprint(values, sizing).warnings[0]).to.match(/above 20% \(falco:footprintMemoryWarnPercent\)/);
        });

        it("shows each warning in the preview (pulumi.log.warn) as well as in the stack output", async () => {
            const run = await runProgram(homelabWith({ footprintMemoryWarnPercent: 20 }));
            const summary = run.outputs.footprint as { warnings: string[] };
            expect(summary.warnings).to.have.length(1);
            expect(run.warnings).to.deep.equal(summary.warnings.map((warning) => `footprint: ${warning}`));
        });
    });

    it("compares the README against the old deployment's figures that the homelab configuration keeps", () => {
        const config = parseStackConfig(homelabEngineConfig());
        expect(config.resources).to.deep.equal(OLD_DEPLOYMENT_FIGURES);
        expect(config.redis.storageSize).to.equal(OLD_DEPLOYMENT_PVC);
    });
});
