/**
 * The pack as `pulumi preview --policy-pack policies` runs it: Pulumi's own
 * run-policy-pack entry point in a fresh process, started in policies/ (ts-node
 * with type checking, the pack's package.json and tsconfig.json), then asked
 * over the analyzer gRPC protocol, as the engine does.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../scripts/mockRuntime";

/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require("@grpc/grpc-js");
const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

function startPack(): Promise<{ child: ChildProcess; port: number }> {
    const entry = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
    const child = spawn(process.execPath, [entry, "127.0.0.1:1", "."], { cwd: path.join(PROJECT_ROOT, "policies"), stdio: ["ignore", "pipe", "pipe"] });
    return new Promise((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (chunk) => {
            stdout += chunk;
            const match = /^(\d+)\s*$/m.exec(stdout);
            if (match) {
                resolve({ child, port: Number(match[1]) });
            }
        });
        child.stderr!.on("data", (chunk) => (stderr += chunk));
        child.on("exit", (code) => reject(new Error(`policy pack exited with ${code}:\n${stderr}`)));
    });
}

function call<T>(client: any, method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method](request, (err: Error | null, response: T) => (err ? reject(err) : resolve(response))));
}

describe("the policy pack in a process of its own, as Pulumi runs it", function () {
    this.timeout(180_000);
    let child: ChildProcess | undefined;
    let client: any;

    before(async () => {
        const started = await startPack();
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
});
