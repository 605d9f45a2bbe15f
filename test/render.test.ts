import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { PROJECT_ROOT, SECRET_PLACEHOLDER } from "../scripts/mockRuntime";
import { parseRenderArgs, render } from "../scripts/render";

function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "falco-render-"));
}

describe("offline render", () => {
    let outDir: string;
    before(async () => {
        outDir = tempDir();
        await render({ stack: "homelab", stackFile: path.join(PROJECT_ROOT, "Pulumi.homelab.yaml"), outDir });
    });

    it("writes resources.json with type, name, parent and inputs for each registration", () => {
        const resources = JSON.parse(fs.readFileSync(path.join(outDir, "resources.json"), "utf8"));
        expect(resources.length).to.be.greaterThan(3);
        for (const r of resources) {
            expect(Object.keys(r).sort()).to.deep.equal(["inputs", "name", "parent", "type"]);
        }
        expect(resources.map((r: any) => r.type)).to.include("kubernetes:helm.sh/v4:Chart");
    });

    it("writes outputs.json, one manifest per directly declared object, and the chart values", () => {
        const outputs = JSON.parse(fs.readFileSync(path.join(outDir, "outputs.json"), "utf8"));
        expect(outputs.namespaceName).to.equal("falco");
        const namespace = YAML.parse(fs.readFileSync(path.join(outDir, "manifests", "namespace_falco.yaml"), "utf8"));
        expect(namespace).to.deep.include({ apiVersion: "v1", kind: "Namespace" });
        const values = YAML.parse(fs.readFileSync(path.join(outDir, "values", "falco.yaml"), "utf8"));
        expect(values.driver.kind).to.equal("modern_ebpf");
    });

    it("keeps multi-line strings literal, line for line, so that a changed word is one changed line in review", () => {
        const values = fs.readFileSync(path.join(outDir, "values", "falco.yaml"), "utf8");
        const rulesFile = "10-homelab-detections.yaml";
        const text = fs.readFileSync(path.join(PROJECT_ROOT, "rules", rulesFile), "utf8");
        expect(YAML.parse(values).customRules[rulesFile], "the chart gets the file as it is").to.equal(text);
        // Under customRules, a literal block indented by four spaces (blank lines stay empty), not folded at 80 columns.
        const block = text.split("\n").map((line) => (line ? `    ${line}` : line)).join("\n");
        expect(values).to.contain(`  ${rulesFile}: |\n${block}`);
    });

    it("writes the secret placeholder for secret outputs only", () => {
        const outputs = JSON.parse(fs.readFileSync(path.join(outDir, "outputs.json"), "utf8"));
        const placeholders = Object.keys(outputs).filter((key) => JSON.stringify(outputs[key]).includes(SECRET_PLACEHOLDER));
        expect(placeholders).to.deep.equal(["webuiLogin"]);
    });

    it("parses its command line", () => {
        expect(parseRenderArgs([]).stack).to.equal("homelab");
        expect(parseRenderArgs(["--stack", "dev"]).stackFile).to.equal(path.join(PROJECT_ROOT, "Pulumi.dev.yaml"));
        expect(parseRenderArgs(["--stack-file", "/x/Pulumi.lab.yaml"]).stack).to.equal("lab");
        expect(() => parseRenderArgs(["--stack", "a", "--stack-file", "b"])).to.throw(/exclude each other/);
        expect(() => parseRenderArgs(["--bogus"])).to.throw(/unknown argument/);
        expect(() => parseRenderArgs(["--out"])).to.throw(/needs a value/);
    });

    describe("as a command", () => {
        const run = (args: string[]) =>
            spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(PROJECT_ROOT, "scripts", "render.ts"), ...args], {
                cwd: PROJECT_ROOT,
                encoding: "utf8",
            });

        it("refuses invalid configuration: exit 1, a clear message, no stack trace, nothing written", () => {
            const dir = tempDir();
            const stackFile = path.join(dir, "Pulumi.broken.yaml");
            fs.writeFileSync(stackFile, "config:\n  falco:redis:\n    storageSize: 2Gi\n    maxmemory: 1800mb\n    maxmemoryPolicy: allkeys-lru\n");
            const out = path.join(dir, "out");
            const result = run(["--stack-file", stackFile, "--out", out]);
            expect(result.status, result.stderr).to.equal(1);
            expect(result.stderr).to.match(/falco:redis\.maxmemory: "1800mb" plus 512Mi of headroom/);
            expect(result.stderr).to.not.match(/\n\s+at /);
            expect(fs.existsSync(out)).to.equal(false);
        });

        it("refuses a stack file that is not YAML", () => {
            const dir = tempDir();
            const stackFile = path.join(dir, "Pulumi.bad.yaml");
            fs.writeFileSync(stackFile, "config: [unclosed\n");
            const result = run(["--stack-file", stackFile, "--out", path.join(dir, "out")]);
            expect(result.status).to.equal(1);
            expect(result.stderr).to.contain("is not valid YAML");
        });

        it("exits 2 on a bad command line", () => {
            const result = run(["--nope"]);
            expect(result.status).to.equal(2);
            expect(result.stderr).to.contain("usage:");
        });
    });
});
