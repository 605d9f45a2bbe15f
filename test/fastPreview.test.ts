import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import YAML from "yaml";
import { FALCO_RULES_SCHEMA } from "../components/rules/schema";
import { draft06Ajv } from "../components/rules/draft06Ajv";
import { launchLikePulumi } from "../scripts/bench/launch";
import { PROJECT_ROOT, runProgram } from "../scripts/mockRuntime";
import { homelabEngineConfig } from "./support/configFixtures";

/** The tsconfig Pulumi's nodejs runtime reads: Pulumi.yaml runtime.options.tsconfig, else tsconfig.json. */
function pulumiTsconfigPath(): string {
    const project = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8"));
    return path.join(PROJECT_ROOT, project.runtime?.options?.tsconfig ?? "tsconfig.json");
}

/** Compiler options as tsc resolves them, `extends` followed. */
function resolvedOptions(configPath: string): ts.CompilerOptions {
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    expect(read.error, configPath).to.equal(undefined);
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configPath), undefined, configPath);
    expect(parsed.errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, "\n"))).to.deep.equal([]);
    return parsed.options;
}

describe("fast preview: Pulumi runs the program transpile-only, the tests type-check", () => {
    it("gives Pulumi's runtime a tsconfig whose own compilerOptions set noCheck (ts-node transpileOnly)", () => {
        // The same function @pulumi/pulumi's cmd/run calls to decide transpileOnly; it does not follow `extends`.
        const tsutils = require("@pulumi/pulumi/tsutils");
        const options = tsutils.loadTypeScriptCompilerOptions(pulumiTsconfigPath());
        expect(options.noCheck, `${pulumiTsconfigPath()} must set compilerOptions.noCheck`).to.equal(true);
    });

    it("compiles the program for Pulumi exactly as tsc does, apart from noCheck", () => {
        const { noCheck, configFilePath: a, ...forPulumi } = resolvedOptions(pulumiTsconfigPath());
        const { configFilePath: b, ...forTsc } = resolvedOptions(path.join(PROJECT_ROOT, "tsconfig.json"));
        expect(noCheck).to.equal(true);
        expect(forPulumi).to.deep.equal(forTsc);
    });

    it("keeps full type-checking in the test command: tsc --noEmit on a tsconfig without noCheck", () => {
        const scripts = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")).scripts;
        const tsc = /(?:^|&&\s*)tsc\s+([^&]*)/.exec(scripts.test);
        expect(tsc, `npm test: ${scripts.test}`).to.not.equal(null);
        const args = tsc![1].trim().split(/\s+/);
        expect(args).to.include("--noEmit");
        expect(args).to.not.include("--noCheck");
        const projectIndex = args.findIndex((a) => a === "-p" || a === "--project");
        const checked = projectIndex >= 0 ? path.join(PROJECT_ROOT, args[projectIndex + 1]) : path.join(PROJECT_ROOT, "tsconfig.json");
        expect(resolvedOptions(checked).noCheck, `${checked} must not set noCheck`).to.not.equal(true);
    });

    it("has ts-node transpile the preview with swc, from a dependency that npm ci installs", () => {
        const read = ts.readConfigFile(pulumiTsconfigPath(), ts.sys.readFile);
        expect(read.config["ts-node"], pulumiTsconfigPath()).to.deep.include({ swc: true });
        const packageJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
        expect(packageJson.dependencies).to.have.property("@swc/core");
    });

    it("declares on the preview path (fresh process, loaded as Pulumi loads it) exactly what the tests see", async () => {
        const config = homelabEngineConfig();
        const preview = launchLikePulumi(path.join(PROJECT_ROOT, "index.ts"), config, {}, true);
        expect(preview.transpileOnly).to.equal(true);
        expect(preview.transpiler).to.equal("swc");
        const tested = await runProgram(config);
        expect(preview.run!.resources).to.deep.equal(JSON.parse(JSON.stringify(tested.resources)));
        expect(preview.run!.outputs).to.deep.equal(JSON.parse(JSON.stringify(tested.outputs)));
    });

    it("does not load the yaml package on the preview path: rules files are read with js-yaml, which @pulumi/pulumi loads anyway", () => {
        const preview = launchLikePulumi(path.join(PROJECT_ROOT, "index.ts"), homelabEngineConfig());
        // Reached through @pulumi/pulumi too: the walk does follow the program into its packages.
        expect(preview.programPackages).to.include.members(["@pulumi/pulumi", "js-yaml"]);
        // Loading `yaml` and its first parse cost ~40 ms of every preview.
        expect(preview.programPackages, "npm packages that index.ts reaches").to.not.include("yaml");
    });

    it("leaves the rules schema's meta-schema check to the tests: the schema is valid draft-06", () => {
        const checking = draft06Ajv();
        expect(checking.validateSchema(FALCO_RULES_SCHEMA), checking.errorsText()).to.equal(true);
        // The start-up instance really skips it: it compiles a schema that breaks the meta-schema.
        expect(() => draft06Ajv(true).compile({ $schema: "http://json-schema.org/draft-06/schema#", description: 12 })).to.not.throw();
        expect(() => draft06Ajv().compile({ $schema: "http://json-schema.org/draft-06/schema#", description: 12 })).to.throw(/schema is invalid/);
    });
});
