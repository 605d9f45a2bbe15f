/**
 * Starts the policy pack as `pulumi preview --policy-pack policies` does: Pulumi's own
 * run-policy-pack entry point in a fresh process, in policies/, which registers ts-node
 * with type-checking and then loads the pack's `main`. Shared by the test that talks to
 * the pack over the analyzer protocol and by the bench that times its start-up.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { PROJECT_ROOT } from "../../components/projectRoot";

export const POLICY_PACK_FOLDER = path.join(PROJECT_ROOT, "policies");
const RUN_POLICY_PACK = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PROJECT_ROOT] });

export interface StartedPolicyPack {
    child: ChildProcess;
    /** The analyzer's gRPC port, which the pack prints once it serves. */
    port: number;
    /** Wall time from spawn until the port was printed. */
    ms: number;
}

/**
 * `program` is what the engine passes: "." (the folder; policies/package.json `main` decides what loads),
 * or a file relative to policies/. Rejects with the pack's stderr when it exits before serving.
 */
export function startPolicyPack(program = "."): Promise<StartedPolicyPack> {
    const started = process.hrtime.bigint();
    // An engine address nothing listens on: the analyzer starts and answers without dialling it.
    const child = spawn(process.execPath, [RUN_POLICY_PACK, "127.0.0.1:1", program], { cwd: POLICY_PACK_FOLDER, stdio: ["ignore", "pipe", "pipe"] });
    return new Promise((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (chunk) => {
            stdout += chunk;
            const match = /^(\d+)\s*$/m.exec(stdout);
            if (match) {
                resolve({ child, port: Number(match[1]), ms: Number(process.hrtime.bigint() - started) / 1e6 });
            }
        });
        child.stderr!.on("data", (chunk) => (stderr += chunk));
        child.on("exit", (code) => reject(new Error(`policy pack exited with ${code}:\n${stderr}`)));
    });
}
