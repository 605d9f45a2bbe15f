import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { parseQuantity } from "../../components/config/quantity";
import {
    checkFalcoRingBuffers,
    checkRedisSnapshotStorage,
    FALCO_USERSPACE_HEADROOM,
    nodeCpuCount,
    ringBufferBytes,
    ringBufferCount,
} from "../../components/config/sizing";
import { parseStackConfig } from "../../components/config/stackConfig";
import { defaultNodeCpu } from "../../policies/core/chartValues";
import { policy as falcoRingBuffers } from "../../policies/falcoRingBuffers";
import { policy as redisMaxmemoryHeadroom } from "../../policies/redisMaxmemoryHeadroom";
import { policy as redisSnapshotStorage } from "../../policies/redisSnapshotStorage";
import { runProgram } from "../../scripts/mockRuntime";
import { configProblems, homelabEngineConfig, homelabObject, homelabWith } from "../support/configFixtures";
import { runResourcePolicy } from "./support";

const MiB = 1n << 20n;


describe("sizing invariants", () => {
    it("sizes ring buffers as Falco's presets: 1 MiB doubling up to 512 MiB", () => {
        expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((p) => ringBufferBytes(p) / MiB)).to.deep.equal([1n, 2n, 4n, 8n, 16n, 32n, 64n, 128n, 256n, 512n]);
    });

    it("counts ring buffers per driver: modern_ebpf shares one among cpusForEachBuffer CPUs, the others one per CPU", () => {
        expect(ringBufferCount("modern_ebpf", 4, 2)).to.equal(2);
        expect(ringBufferCount("modern_ebpf", 7, 2)).to.equal(4); // falco.yaml's own example: the last buffer serves one CPU
        expect(ringBufferCount("modern_ebpf", 4, 1)).to.equal(4);
        expect(ringBufferCount("modern_ebpf", 4, 0)).to.equal(1);
        expect(ringBufferCount("modern_ebpf", 4, 16)).to.equal(1);
        expect(ringBufferCount("ebpf", 4, 2)).to.equal(4);
        expect(ringBufferCount("kmod", 4, 0)).to.equal(4);
        expect(nodeCpuCount("4")).to.equal(4);
        expect(nodeCpuCount("3500m")).to.equal(4);
    });

    it("fits the buffers plus headroom in the limit, inclusively", () => {
        const where = { driver: "d", cpus: "c", limit: "l" };
        const driver = { kind: "kmod", bufSizePreset: 6, cpusForEachBuffer: 0 }; // 4 x 32 MiB = 128 MiB
        const exact = `${128 + Number(FALCO_USERSPACE_HEADROOM.num / MiB)}Mi`;
        expect(checkFalcoRingBuffers(driver, "4", exact, where)).to.equal(undefined);
        const below = `${(128 + Number(FALCO_USERSPACE_HEADROOM.num / MiB)) * 1024 * 1024 - 1}`;
        expect(checkFalcoRingBuffers(driver, "4", below, where)).to.match(/^l: .* 4 buffer\(s\) of 32Mi .* = 128Mi, plus 256Mi for Falco itself, needs 384Mi/);
    });

    it("wants the redis volume to hold two snapshots of maxmemory", () => {
        const where = { maxmemory: "m", storage: "s" };
        expect(checkRedisSnapshotStorage("1000mb", "2000Mi", where)).to.equal(undefined);
        expect(checkRedisSnapshotStorage("1000mb", "1999Mi", where)).to.match(/^s: "1999Mi" cannot hold .* at least 2000Mi \(2 x maxmemory\)/);
        expect(checkRedisSnapshotStorage("1gb", "2Gi", where)).to.equal(undefined);
        expect(checkRedisSnapshotStorage("1g", "1.8G", where)).to.match(/cannot hold/);
    });
});

describe("configuration validation runs the same rules", () => {
    it("accepts the homelab and reads the memory maximum from the Gatekeeper constraints", () => {
        expect(() => parseStackConfig(homelabEngineConfig())).to.not.throw();
        const resources = homelabObject("resources");
        resources.falco.limits.memory = "2Gi";
        expect(() => parseStackConfig(homelabWith({ resources }))).to.not.throw();
        resources.falco.limits.memory = "2049Mi";
        expect(configProblems(homelabWith({ resources }))[0]).to.match(/^falco:resources\.falco: Gatekeeper would refuse the pods \(k8scontainerlimits\)/);
    });

    it("follows falco:gatekeeperConstraints to another cluster's constraints", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gk-"));
        fs.writeFileSync(
            path.join(dir, "tight.yaml"),
            "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sContainerLimits\nmetadata: {name: one-gi}\nspec:\n  parameters: {memory: 1Gi, cpu: 150m}\n",
        );
        const problems = configProblems(homelabWith({ gatekeeperConstraints: dir }));
        expect(problems.some((p) => /^falco:resources\.redis: .*memory limit <2Gi> is higher than the maximum allowed of <1Gi> \[constraint one-gi\]/.test(p)), problems.join("\n")).to.equal(true);
        expect(problems.some((p) => /^falco:resources\.falco: .*cpu limit <500m> is higher than the maximum allowed of <150m>/.test(p)), problems.join("\n")).to.equal(true);
    });

    it("refuses unusable constraints, naming the key and the file", () => {
        const problems = configProblems(homelabWith({ gatekeeperConstraints: "no/such/folder" }));
        expect(problems[0]).to.match(/^falco:gatekeeperConstraints: "no\/such\/folder" is not usable: .*cannot be read \(ENOENT\); accepted: a file or folder of Gatekeeper Constraint YAML/);
    });

    it("refuses a redis volume too small for its snapshots", () => {
        const problems = configProblems(homelabWith({ redis: { ...homelabObject("redis"), storageSize: "1Gi" } }));
        expect(problems.join("\n")).to.match(/falco:redis\.storageSize: "1Gi" cannot hold an RDB snapshot of maxmemory "1000mb"/);
    });

    it("refuses ring buffers that do not fit Falco's memory limit", () => {
        const problems = configProblems(homelabWith({ driver: { ...homelabObject("driver"), bufSizePreset: 9, cpusForEachBuffer: 1 } }));
        expect(problems.join("\n")).to.match(/falco:resources\.falco\.limits\.memory: "512Mi" does not hold Falco's ring buffers plus headroom: 4 buffer\(s\) of 256Mi/);
    });
});

describe("the sizing policies over the chart's values", () => {
    async function chartInputs(): Promise<Record<string, any>> {
        const { resources } = await runProgram(homelabEngineConfig());
        return resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart")!.inputs;
    }
    const run = (policy: typeof falcoRingBuffers, props: Record<string, any>, config = {}) => runResourcePolicy(policy, "kubernetes:helm.sh/v4:Chart", props, config);

    it("pass the homelab render", async () => {
        const props = await chartInputs();
        for (const policy of [redisMaxmemoryHeadroom, redisSnapshotStorage, falcoRingBuffers]) {
            expect(run(policy, props), policy.name).to.deep.equal([]);
        }
    });

    it("fail when each rule is broken", async () => {
        const props = await chartInputs();
        const broken = JSON.parse(JSON.stringify(props));
        broken.values.falcosidekick.webui.redis.customConfig = ["maxmemory 1800mb", "maxmemory-policy allkeys-lru"];
        expect(run(redisMaxmemoryHeadroom, broken)[0]).to.match(/"1800mb" plus 512Mi of headroom/);
        expect(run(redisSnapshotStorage, broken)[0]).to.match(/storageSize: "2Gi" cannot hold/);
        const bigBuffers = JSON.parse(JSON.stringify(props));
        bigBuffers.values.driver.modernEbpf.bufSizePreset = 8;
        expect(run(falcoRingBuffers, bigBuffers)).to.deep.equal([]); // 2 x 128 MiB + 256 MiB = 512 MiB: exactly the limit
        expect(run(falcoRingBuffers, bigBuffers, { nodeCpu: "6" })[0]).to.match(/3 buffer\(s\) of 128Mi/);
    });

    it("assume the node CPUs of Pulumi.yaml's falco:nodeAllocatable default", () => {
        expect(parseQuantity(defaultNodeCpu())).to.deep.equal(parseQuantity(JSON.parse(homelabEngineConfig()["falco:nodeAllocatable"]).cpu));
    });
});
