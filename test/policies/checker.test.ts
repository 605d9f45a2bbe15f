import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import YAML from "yaml";
import { runCheck } from "../../policies/checker";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-check-"));
function write(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
}

const good = {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "agent", namespace: "ops" },
    spec: { template: { spec: { containers: [{ name: "agent", image: "example.org/agent:1.0", resources: { limits: { cpu: "200m", memory: "256Mi" }, requests: { cpu: "100m", memory: "128Mi" } } }] } } },
};
const latest = JSON.parse(JSON.stringify(good));
latest.metadata.name = "latest-agent";
latest.spec.template.spec.containers[0].image = "example.org/agent:latest";

describe("npm run policy -- check", () => {
    it("exits 0 on compliant multi-document YAML", () => {
        const file = write("good.yaml", `${YAML.stringify(good)}---\n---\n${YAML.stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { type: "ClusterIP" } })}`);
        const result = runCheck(["check", file]);
        expect(result).to.deep.equal({ exitCode: 0, stdout: "no violations", stderr: "" });
    });

    it("exits 1 and prints a table with a mandatory violation", () => {
        const file = write("bad.yaml", `${YAML.stringify(good)}---\n${YAML.stringify(latest)}`);
        const result = runCheck(["check", file]);
        expect(result.exitCode).to.equal(1);
        expect(result.stdout.split("\n")[0]).to.match(/^ENFORCEMENT\s+POLICY\s+KIND\s+NAMESPACE\s+NAME\s+MESSAGE$/);
        expect(result.stdout).to.contain("k8sdisallowedtags");
        expect(result.stdout).to.contain("latest-agent");
    });

    it("prints --json as an array of violations with the documented fields", () => {
        const result = runCheck(["check", "--json", "-"], () => JSON.stringify({ apiVersion: "v1", kind: "List", items: [good, latest] }));
        expect(result.exitCode).to.equal(1);
        const parsed = JSON.parse(result.stdout);
        expect(parsed).to.have.length(1);
        expect(Object.keys(parsed[0]).sort()).to.deep.equal(["enforcement", "kind", "message", "name", "namespace", "policy"]);
        expect(parsed[0]).to.include({ policy: "k8sdisallowedtags", kind: "DaemonSet", namespace: "ops", name: "latest-agent", enforcement: "mandatory" });
    });

    it("applies exactly the given --constraints, and exits 0 when only advisory ones are violated", () => {
        const warn = write(
            "warn.yaml",
            YAML.stringify({ apiVersion: "constraints.gatekeeper.sh/v1beta1", kind: "K8sContainerLimits", metadata: { name: "small" }, spec: { enforcementAction: "warn", parameters: { memory: "100Mi" } } }),
        );
        const file = write("latest.yaml", YAML.stringify(latest));
        const result = runCheck(["check", "--json", "--constraints", warn, file]);
        expect(result.exitCode).to.equal(0);
        expect(JSON.parse(result.stdout).map((v: any) => [v.policy, v.enforcement])).to.deep.equal([["k8scontainerlimits", "advisory"]]);
    });

    it("exits 2 with a clear message on unusable input", () => {
        const badYaml = write("broken.yaml", "kind: Pod\n  metadata: [\n");
        const unknownKind = write(
            "unknown.yaml",
            YAML.stringify({ apiVersion: "constraints.gatekeeper.sh/v1beta1", kind: "K8sNoSuchThing", metadata: { name: "x" }, spec: {} }),
        );
        const badParameters = write(
            "params.yaml",
            YAML.stringify({ apiVersion: "constraints.gatekeeper.sh/v1beta1", kind: "K8sContainerLimits", metadata: { name: "x" }, spec: { parameters: { memory: 2 } } }),
        );
        const cases: [string[], RegExp][] = [
            [["check", path.join(dir, "missing.yaml")], /missing\.yaml: cannot be read \(ENOENT\)/],
            [["check", badYaml], /broken\.yaml: is not valid YAML \(line \d+, column \d+\)/],
            [["check", "--constraints", unknownKind, badYaml], /unknown constraint kind "K8sNoSuchThing"; accepted: K8sContainerLimits, /],
            [["check", "--constraints", badParameters, badYaml], /parameters\.memory must be string/],
            [["check", "--constraints", path.join(dir, "nowhere")], /no manifest file given/],
            [["check"], /no manifest file given/],
            [["lint", "x"], /unknown command "lint"/],
        ];
        for (const [argv, message] of cases) {
            const result = runCheck(argv);
            expect(result.exitCode, argv.join(" ")).to.equal(2);
            expect(result.stderr, argv.join(" ")).to.match(message);
            expect(result.stderr).to.not.match(/\n\s+at /);
        }
    });
});

describe("npm run policy as a process", () => {
    it("reads stdin, prints the table and sets the exit status", function () {
        this.timeout(60_000);
        const { spawnSync } = require("child_process") as typeof import("child_process");
        const script = path.join(__dirname, "..", "..", "scripts", "policy.ts");
        const run = (input: string) =>
            spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", script, "check", "-"], { input, encoding: "utf8", cwd: path.join(__dirname, "..", "..") });
        const refused = run(`${YAML.stringify(good)}---\n${YAML.stringify(latest)}`);
        expect(refused.status, refused.stderr).to.equal(1);
        expect(refused.stdout).to.match(/k8sdisallowedtags\s+DaemonSet\s+ops\s+latest-agent/);
        const broken = run("kind: [");
        expect(broken.status).to.equal(2);
        expect(broken.stderr).to.match(/^error: <stdin>: is not valid YAML/);
        expect(run(YAML.stringify(good)).status).to.equal(0);
    });
});

describe("scoped enforcement actions", () => {
    const scoped = (points: { action: string; enforcementPoints: { name: string }[] }[]) =>
        write(
            `scoped-${points.length}-${points.map((p) => p.action).join("")}.yaml`,
            YAML.stringify({
                apiVersion: "constraints.gatekeeper.sh/v1beta1",
                kind: "K8sDisallowedTags",
                metadata: { name: "scoped" },
                spec: { enforcementAction: "scoped", scopedEnforcementActions: points, parameters: { tags: ["latest"] } },
            }),
        );
    const file = write("latest-only.yaml", YAML.stringify(latest));
    const verdict = (constraints: string) => JSON.parse(runCheck(["check", "--json", "--constraints", constraints, file]).stdout).map((v: any) => v.enforcement);

    it("takes the webhook's action, the strongest when several apply", () => {
        expect(verdict(scoped([{ action: "deny", enforcementPoints: [{ name: "validation.gatekeeper.sh" }] }]))).to.deep.equal(["mandatory"]);
        expect(verdict(scoped([{ action: "warn", enforcementPoints: [{ name: "*" }] }]))).to.deep.equal(["advisory"]);
        expect(
            verdict(
                scoped([
                    { action: "warn", enforcementPoints: [{ name: "*" }] },
                    { action: "deny", enforcementPoints: [{ name: "validation.gatekeeper.sh" }] },
                ]),
            ),
        ).to.deep.equal(["mandatory"]);
    });

    it("ignores actions scoped to other enforcement points (audit, gator; VAP for a Rego-only template)", () => {
        expect(verdict(scoped([{ action: "deny", enforcementPoints: [{ name: "audit.gatekeeper.sh" }, { name: "gator.gatekeeper.sh" }] }]))).to.deep.equal([]);
        // k8sdisallowedtags has no CEL, so Gatekeeper generates no ValidatingAdmissionPolicy for it
        expect(verdict(scoped([{ action: "deny", enforcementPoints: [{ name: "vap.k8s.io" }] }]))).to.deep.equal([]);
    });

    it("refuses an enforcement point Gatekeeper does not know", () => {
        const result = runCheck(["check", "--constraints", scoped([{ action: "deny", enforcementPoints: [{ name: "webhook" }] }]), file]);
        expect(result.exitCode).to.equal(2);
        expect(result.stderr).to.match(/scopedEnforcementActions names enforcement points \["webhook"\]; accepted: validation\.gatekeeper\.sh, /);
    });
});

describe("scoped enforcement at the ValidatingAdmissionPolicy point", () => {
    it("counts for a template with CEL: the API server enforces the policy Gatekeeper generates", () => {
        const privileged = write(
            "privileged-pod.yaml",
            YAML.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "ops" }, spec: { containers: [{ name: "c", image: "nginx:1", securityContext: { privileged: true } }] } }),
        );
        const constraints = write(
            "vap.yaml",
            YAML.stringify({
                apiVersion: "constraints.gatekeeper.sh/v1beta1",
                kind: "K8sPSPPrivilegedContainer",
                metadata: { name: "vap-only" },
                spec: { enforcementAction: "scoped", scopedEnforcementActions: [{ action: "deny", enforcementPoints: [{ name: "vap.k8s.io" }] }] },
            }),
        );
        const result = runCheck(["check", "--json", "--constraints", constraints, privileged]);
        expect(result.exitCode).to.equal(1);
        expect(JSON.parse(result.stdout).map((v: any) => v.policy)).to.deep.equal(["k8spspprivilegedcontainer"]);
    });
});

describe("Gatekeeper's Config next to the constraints", () => {
    it("exempts the namespaces its webhook match excludes, and only for the webhook process", () => {
        const constraint = { apiVersion: "constraints.gatekeeper.sh/v1beta1", kind: "K8sDisallowedTags", metadata: { name: "no-latest" }, spec: { parameters: { tags: ["latest"] } } };
        const config = (processes: string[]) => ({
            apiVersion: "config.gatekeeper.sh/v1alpha1",
            kind: "Config",
            metadata: { name: "config", namespace: "gatekeeper-system" },
            spec: { match: [{ excludedNamespaces: ["op*"], processes }] },
        });
        const file = write("latest-ops.yaml", YAML.stringify(latest));
        const withConfig = (processes: string[]) => write(`config-${processes.join("-").replace("*", "all")}.yaml`, `${YAML.stringify(config(processes))}---\n${YAML.stringify(constraint)}`);
        expect(runCheck(["check", "--constraints", withConfig(["webhook"]), file]).exitCode).to.equal(0);
        expect(runCheck(["check", "--constraints", withConfig(["*"]), file]).exitCode).to.equal(0);
        expect(runCheck(["check", "--constraints", withConfig(["audit"]), file]).exitCode).to.equal(1);
    });
});
