import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { UserInputError } from "../components/config/errors";
import { RULES_DIR, TUNING_FILE } from "../components/rules";
import { PROJECT_ROOT, RecordedResource, runProgram } from "../scripts/mockRuntime";
import { homelabEngineConfig, homelabWith } from "./support/configFixtures";

const chartOf = (resources: RecordedResource[]) => resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart")!;

function renderCommand(args: string[]) {
    return spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(PROJECT_ROOT, "scripts", "render.ts"), ...args], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
    });
}

describe("Falco rules in the program", () => {
    it("reach the chart's values: custom rules and tuning as customRules, rules sources, selectors", async () => {
        const { resources } = await runProgram(homelabEngineConfig());
        const values = chartOf(resources).inputs.values as any;
        expect(Object.keys(values.customRules)).to.deep.equal(["10-homelab-detections.yaml", TUNING_FILE]);
        const rules = YAML.parse(values.customRules["10-homelab-detections.yaml"]).filter((i: any) => i.rule).map((i: any) => i.rule);
        expect(rules).to.deep.equal(["Detect Cryptocurrency Mining", "Reverse Shell Detected"]);
        expect(YAML.parse(values.customRules[TUNING_FILE])).to.deep.equal([{ rule: "Terminal shell in container", enabled: false, override: { enabled: "replace" } }]);
        expect(values.falco.rules).to.deep.equal([{ disable: { rule: "Attach/Exec Pod" } }]);
        expect(values.falcoctl.config.artifact.install.refs[0]).to.equal("falco-rules:5.1.0");
    });

    it("exports the rules version, the custom files and how each disabled rule is disabled", async () => {
        const { outputs } = await runProgram(homelabEngineConfig());
        expect(outputs.falcoRules).to.deep.equal({
            defaultRules: "falco-rules:5.1.0",
            followed: false,
            checkedAgainst: ["5.1.0"],
            customFiles: ["/etc/falco/rules.d/10-homelab-detections.yaml", `/etc/falco/rules.d/${TUNING_FILE}`],
            disabledByOverride: ["Terminal shell in container"],
            disabledBySelector: ["Attach/Exec Pod"],
        });
    });

    it("refuses an unknown rule name in falco:disabledRules before declaring anything", async () => {
        const declared: RecordedResource[] = [];
        let failure: unknown;
        try {
            await runProgram(homelabWith({ disabledRules: ["Terminal shell in container", "Shell In Container"] }), "homelab", undefined, declared);
        } catch (err) {
            failure = err;
        }
        expect(UserInputError.isUserInputError(failure), String(failure)).to.equal(true);
        expect((failure as Error).message).to.contain('falco:disabledRules[1]: "Shell In Container" is not a rule');
        expect(declared).to.deep.equal([]);
    });

    describe("with a rules file that would stop Falco from starting", () => {
        // A dangling override: k8s_audit_rules is not loaded, so Falco 0.43 would refuse to start.
        const broken = path.join(RULES_DIR, "50-test-dangling-override.yaml");
        before(() => fs.copyFileSync(path.join(__dirname, "fixtures", "rules", "dangling-override.yaml"), broken));
        after(() => fs.rmSync(broken, { force: true }));

        it("the program fails with a message naming file, rule and problem, and declares nothing", async () => {
            const declared: RecordedResource[] = [];
            let failure: unknown;
            try {
                await runProgram(homelabEngineConfig(), "homelab", undefined, declared);
            } catch (err) {
                failure = err;
            }
            expect(UserInputError.isUserInputError(failure), String(failure)).to.equal(true);
            expect((failure as Error).message).to.contain('rules/50-test-dangling-override.yaml: rule "Attach/Exec Pod": override of a rule that is not loaded before it');
            expect(declared).to.deep.equal([]);
        });

        it("npm run render exits 1 with that message, no stack trace, and writes nothing", () => {
            const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "falco-rules-")), "out");
            const result = renderCommand(["--out", out]);
            expect(result.status, result.stderr).to.equal(1);
            expect(result.stderr).to.contain('rules/50-test-dangling-override.yaml: rule "Attach/Exec Pod": override of a rule that is not loaded before it: Falco 0.43 refuses to start');
            expect(result.stderr).to.not.match(/\n\s+at /);
            expect(fs.existsSync(out)).to.equal(false);
        });
    });
});
