/**
 * The pack as `pulumi preview --policy-pack policies` runs it: Pulumi's own
 * run-policy-pack entry point in a fresh process, started in policies/ (ts-node
 * registered with type checking, then the pack's package.json `main`: the bundle
 * `npm run build` writes), then asked over the analyzer gRPC protocol, as the
 * engine does.
 */
import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { BUILD_MANIFEST_FILE, BuildManifest, sourceDigest } from "../../components/buildFreshness";
import { buildBundle, POLICY_PACK_BUILD_DIR, POLICY_PACK_ENTRY } from "../../scripts/build";
import { POLICY_PACK_FOLDER, startPolicyPack } from "../../scripts/bench/policyPackProcess";

/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require("@grpc/grpc-js");
const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

function call<T>(client: any, method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method](request, (err: Error | null, response: T) => (err ? reject(err) : resolve(response))));
}

describe("the policy pack in a process of its own, as Pulumi runs it", function () {
    this.timeout(180_000);
    let child: ChildProcess | undefined;
    let client: any;

    before(async () => {
        // What `npm run build` writes, where policies/package.json's `main` points.
        await buildBundle(POLICY_PACK_BUILD_DIR, POLICY_PACK_ENTRY);
        const started = await startPolicyPack();
        child = started.child;
        client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${started.port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        child?.kill();
    });

    it("serves every template policy, the warnings policy and the sizing policies", async () => {
        const info: any = await call(client, "getAnalyzerInfo", new Empty());
        expect(info.getName()).to.equal("falco-homelab-gatekeeper");
        const names = info.getPoliciesList().map((p: any) => p.getName());
        expect(names).to.include.members(["k8scontainerlimits", "k8spspprivilegedcontainer", "k8sblocknodeport", "gatekeeper-warnings", "falco-ring-buffers"]);
        expect(names).to.have.length(17);
    });

    it("refuses a Deployment whose Pods Gatekeeper would refuse, and passes a compliant one", async () => {
        const analyze = async (memory: string) => {
            const request = new analyzerProto.AnalyzeRequest();
            request.setType("kubernetes:apps/v1:Deployment");
            request.setName("web");
            request.setOptions(new analyzerProto.AnalyzerResourceOptions());
            request.setUrn("urn:pulumi:homelab::falco::kubernetes:apps/v1:Deployment::web");
            request.setProperties(
                Struct.fromJavaScript({
                    apiVersion: "apps/v1",
                    kind: "Deployment",
                    metadata: { name: "web", namespace: "apps" },
                    spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.27", resources: { limits: { cpu: "1", memory }, requests: { cpu: "1", memory: "1Gi" } } }] } } },
                }),
            );
            const response: any = await call(client, "analyze", request);
            return response.getDiagnosticsList().map((d: any) => `${d.getPolicyname()}: ${d.getMessage()}`);
        };
        expect(await analyze("2Gi")).to.deep.equal([]);
        const refused = await analyze("2.5Gi");
        expect(refused).to.have.length(1);
        expect(refused[0]).to.match(/^k8scontainerlimits: [\s\S]*memory limit <2560Mi> is higher than the maximum allowed of <2Gi>/);
    });

    it("starts the compiled pack, which ts-node leaves alone, and refuses to start when a source changed since the build", async () => {
        const main = JSON.parse(fs.readFileSync(path.join(POLICY_PACK_FOLDER, "package.json"), "utf8")).main;
        expect(path.join(POLICY_PACK_FOLDER, main)).to.equal(path.join(POLICY_PACK_BUILD_DIR, "index.js"));
        const manifestFile = path.join(POLICY_PACK_BUILD_DIR, BUILD_MANIFEST_FILE);
        const current = fs.readFileSync(manifestFile, "utf8");
        const manifest: BuildManifest = JSON.parse(current);
        expect(Object.keys(manifest.sources)).to.include.members(["policies/index.ts", "policies/k8scontainerlimits.ts", "components/config/quantity.ts"]);
        // As if a policy had been edited after the build.
        manifest.sources["policies/k8scontainerlimits.ts"] = sourceDigest("an older k8scontainerlimits.ts");
        fs.writeFileSync(manifestFile, JSON.stringify(manifest));
        try {
            const refused = await startPolicyPack().then(
                (started) => {
                    started.child.kill();
                    return "";
                },
                (err: Error) => err.message,
            );
            expect(refused).to.match(
                /the compiled program is out of date:\n {2}- policies\/bin\/index\.js was built from older sources: policies\/k8scontainerlimits\.ts changed since; run `npm run build`/,
            );
            expect(refused, "no stack trace").to.not.match(/\n\s+at /);
        } finally {
            fs.writeFileSync(manifestFile, current);
        }
    });
});
