import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parameterProblems } from "../policies/core/constraints";
import { PARAMETER_VALIDATORS } from "../policies/core/parameterValidators";
import { schemaFingerprint } from "../policies/core/schemaFingerprint";
import { GATEKEEPER_TEMPLATES } from "../policies/gatekeeperTemplates";
import type { TemplateRule } from "../policies/core/types";
import { PROJECT_ROOT } from "../scripts/mockRuntime";
import { generatedValidators } from "../scripts/validators";

describe("precompiled validators (npm run validators)", () => {
    it("are what scripts/validators.ts generates from the current schemas", () => {
        for (const { file, text } of generatedValidators()) {
            const committed = fs.readFileSync(file, "utf8");
            expect(committed === text, `${path.relative(PROJECT_ROOT, file)} is stale: run \`npm run validators\``).to.equal(true);
        }
    });

    it("cover every Gatekeeper template, each built from the template's current parameter schema", () => {
        expect(Object.keys(PARAMETER_VALIDATORS).sort()).to.deep.equal(GATEKEEPER_TEMPLATES.map((t) => t.kind).sort());
        for (const rule of GATEKEEPER_TEMPLATES) {
            expect(PARAMETER_VALIDATORS[rule.kind].fingerprint, rule.kind).to.equal(schemaFingerprint(rule.parameterSchema));
        }
    });

    it("report a constraint's bad parameters as ajv does", () => {
        const limits = GATEKEEPER_TEMPLATES.find((t) => t.kind === "K8sContainerLimits")!;
        expect(parameterProblems(limits, { cpu: "1", memory: "2Gi" }, "c.yaml")).to.deep.equal([]);
        expect(parameterProblems(limits, { cpu: 1, exemptImages: "x" }, "c.yaml")).to.deep.equal([
            "c.yaml: parameters.exemptImages must be array",
            "c.yaml: parameters.cpu must be string",
        ]);
    });

    it("are not used for a schema that changed since they were generated: that schema is compiled instead", () => {
        const limits = GATEKEEPER_TEMPLATES.find((t) => t.kind === "K8sContainerLimits")!;
        const edited: TemplateRule = {
            ...limits,
            parameterSchema: { type: "object", properties: { ...limits.parameterSchema.properties, cpu: { type: "number" } } },
        };
        // The precompiled validator of this kind accepts a string cpu; the edited schema does not.
        expect(parameterProblems(limits, { cpu: "1" }, "c.yaml")).to.deep.equal([]);
        expect(parameterProblems(edited, { cpu: "1" }, "c.yaml")).to.deep.equal(["c.yaml: parameters.cpu must be number"]);
    });

    it("spare the program's start-up from loading ajv: checking rules and constraints loads none of it", function () {
        this.timeout(60000);
        const script = `
            const { loadConstraints } = require("./policies/core/constraints");
            const { GATEKEEPER_TEMPLATES, HOMELAB_CONSTRAINTS_DIR } = require("./policies/gatekeeperTemplates");
            const { rulesFileProblems } = require("./components/rules/validate");
            const constraints = loadConstraints(HOMELAB_CONSTRAINTS_DIR, GATEKEEPER_TEMPLATES);
            const problems = rulesFileProblems([{ name: "bad.yaml", text: "- rule: x\\n  nonsense: 1\\n" }], { rules: [], macros: [], lists: [] });
            const ajvModules = Object.keys(require.cache).filter((id) => /node_modules[\\\\/]ajv[\\\\/]/.test(id));
            console.log(JSON.stringify({ constraints: constraints.length, problems: problems.length, ajvModules }));
        `;
        const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: PROJECT_ROOT, encoding: "utf8" });
        expect(result.status, result.stderr).to.equal(0);
        const seen = JSON.parse(result.stdout.trim().split("\n").pop()!);
        // The checks really ran: the homelab's constraints were read and the bad rule was refused.
        expect(seen.constraints).to.be.greaterThan(0);
        expect(seen.problems).to.be.greaterThan(0);
        expect(seen.ajvModules).to.deep.equal([]);
    });
});
