import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import YAML from "yaml";
import { UserInputError } from "../components/config/errors";
import {
    DEPLOYMENTS_CONFIG_KEY_TYPES,
    DEPLOYMENTS_NAMESPACE,
    deploymentSettingsArgs,
    parseDeploymentsConfig,
    pathTriggersDeployment,
    POLICY_PACK_DIR,
    preRunCommands,
    stackPathFilters,
} from "../deployments/settings";
import { BUILD_DIR, BUILDS, bundleInputs } from "../scripts/build";
import { PROJECT_ROOT, RecordedResource, resolveConfig, runProgram } from "../scripts/mockRuntime";
import { homelabEngineConfig } from "./support/configFixtures";

const DEPLOYMENTS_DIR = path.join(PROJECT_ROOT, "deployments");
const DEPLOYMENTS_ENTRY = path.join(DEPLOYMENTS_DIR, "index.ts");
const SETTINGS_TYPE = "pulumiservice:index:DeploymentSettings";
const POLICY_GROUP_TYPE = "pulumiservice:index:PolicyGroup";

function exampleConfig(overrides: Record<string, unknown> = {}): Record<string, string> {
    const config = resolveConfig(path.join(DEPLOYMENTS_DIR, "Pulumi.homelab.yaml"), path.join(DEPLOYMENTS_DIR, "Pulumi.yaml"));
    for (const [key, value] of Object.entries(overrides)) {
        const fullKey = `${DEPLOYMENTS_NAMESPACE}:${key}`;
        if (value === undefined) {
            delete config[fullKey];
        } else {
            config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return config;
}

function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

describe("deployments/: Pulumi Deployments for the homelab stack", () => {
    const falcoProjectName = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")).name;

    describe("configuration declarations", () => {
        const project = YAML.parse(fs.readFileSync(path.join(DEPLOYMENTS_DIR, "Pulumi.yaml"), "utf8"));

        it("declare exactly the keys the program validates, each with its type and a description", () => {
            const declared = Object.keys(project.config).map((k) => k.replace(`${DEPLOYMENTS_NAMESPACE}:`, ""));
            expect(declared.sort()).to.deep.equal(Object.keys(DEPLOYMENTS_CONFIG_KEY_TYPES).sort());
            for (const [key, declaration] of Object.entries<any>(project.config)) {
                expect(declaration.type, key).to.equal(DEPLOYMENTS_CONFIG_KEY_TYPES[key.split(":")[1] as keyof typeof DEPLOYMENTS_CONFIG_KEY_TYPES]);
                expect(declaration.description, key).to.be.a("string").and.not.equal("");
            }
            expect(project.name).to.equal(DEPLOYMENTS_NAMESPACE);
        });
    });

    describe("under Pulumi's mock runtime, with the example stack file", () => {
        let resources: RecordedResource[];
        let outputs: Record<string, unknown>;
        before(async () => {
            ({ resources, outputs } = await runProgram(exampleConfig(), "homelab", DEPLOYMENTS_ENTRY));
        });

        it("declares one DeploymentSettings for the falco project's homelab stack and nothing else", () => {
            expect(resources.map((r) => r.type)).to.deep.equal([SETTINGS_TYPE]);
            const [settings] = ofType(resources, SETTINGS_TYPE);
            expect(settings.inputs).to.deep.include({ project: falcoProjectName, stack: "homelab" });
            expect(settings.inputs.organization).to.be.a("string").and.not.equal("");
        });

        it("deploys every commit to main and previews pull requests, from the repository root, with a path filter", () => {
            const [settings] = ofType(resources, SETTINGS_TYPE);
            expect(settings.inputs.vcs).to.deep.equal({
                provider: "github",
                repository: "falco-homelab/falco-homelab",
                deployCommits: true,
                previewPullRequests: true,
                pullRequestTemplate: false,
                paths: stackPathFilters("homelab"),
            });
            expect(settings.inputs.sourceContext).to.deep.equal({ git: { branch: "refs/heads/main", repoDir: "." } });
        });

        it("runs npm ci and the policy gate before the operation, instead of the default install", () => {
            const [settings] = ofType(resources, SETTINGS_TYPE);
            const operation = settings.inputs.operationContext as any;
            expect(operation.preRunCommands).to.deep.equal(preRunCommands());
            expect(operation.preRunCommands[0]).to.match(/^npm ci\b/);
            expect(operation.preRunCommands[2]).to.contain(`--policy-pack ${POLICY_PACK_DIR}`);
            expect(operation.options).to.deep.equal({ skipInstallDependencies: true, skipIntermediateDeployments: true });
        });

        it("runs on the configured agent pool, in a Node 22 executor image", () => {
            const [settings] = ofType(resources, SETTINGS_TYPE);
            expect(settings.inputs.agentPoolId).to.equal("4f1c2a9e-7b3d-4e8a-9c61-0d5e2f7a8b90");
            expect(settings.inputs.executorContext).to.deep.equal({ executorImage: "pulumi/pulumi-nodejs-22" });
            expect(outputs.agentPoolId).to.equal("4f1c2a9e-7b3d-4e8a-9c61-0d5e2f7a8b90");
            expect(outputs.pathFilters).to.deep.equal(stackPathFilters("homelab"));
        });

        it("uses no deprecated DeploymentSettings field (per @pulumi/pulumiservice's own declarations)", () => {
            const deprecated = deprecatedDeploymentSettingsFields();
            // The detector works: `github` is the field 1.3.0 deprecates in favour of `vcs`.
            expect(deprecated).to.include("DeploymentSettingsArgs.github");
            const [settings] = ofType(resources, SETTINGS_TYPE);
            const used = Object.keys(settings.inputs).map((k) => `DeploymentSettingsArgs.${k}`);
            expect(used.filter((field) => deprecated.includes(field))).to.deep.equal([]);
        });
    });

    it("adds a preventative policy group for the stack when a published pack is configured", async () => {
        const { resources } = await runProgram(
            exampleConfig({ policyGroup: { packName: "falco-homelab-gatekeeper", packVersion: "0.1.0" } }),
            "homelab",
            DEPLOYMENTS_ENTRY,
        );
        const [group] = ofType(resources, POLICY_GROUP_TYPE);
        expect(group.inputs).to.deep.include({ mode: "preventative", entityType: "stacks", name: `${falcoProjectName}-homelab` });
        expect(group.inputs.stacks).to.deep.equal([{ name: "homelab", routingProject: falcoProjectName }]);
        expect(group.inputs.policyPacks).to.deep.equal([{ name: "falco-homelab-gatekeeper", versionTag: "0.1.0" }]);
    });

    it("targets the configured stack, branch and organization", async () => {
        const { resources } = await runProgram(exampleConfig({ targetStack: "lab", branch: "release", organization: "pi-org" }), "x", DEPLOYMENTS_ENTRY);
        const [settings] = ofType(resources, SETTINGS_TYPE);
        expect(settings.inputs).to.deep.include({ organization: "pi-org", stack: "lab" });
        expect((settings.inputs.sourceContext as any).git.branch).to.equal("refs/heads/release");
        expect((settings.inputs.vcs as any).paths).to.include("Pulumi.lab.yaml").and.not.include("Pulumi.homelab.yaml");
    });

    it("refuses bad configuration with every problem named, and declares nothing", async () => {
        const declared: RecordedResource[] = [];
        let failure: unknown;
        try {
            await runProgram(
                exampleConfig({ agentPoolId: undefined, repository: "not a repo", branch: "refs/heads/main", policyGroup: { packName: "x" } }),
                "homelab",
                DEPLOYMENTS_ENTRY,
                declared,
            );
        } catch (err) {
            failure = err;
        }
        expect(UserInputError.isUserInputError(failure), String(failure)).to.equal(true);
        const message = (failure as Error).message;
        expect(message).to.contain("falco-deployments:agentPoolId: missing; it is required");
        expect(message).to.contain('falco-deployments:repository: "not a repo" is not accepted; accepted: a GitHub repository as owner/name');
        expect(message).to.contain("falco-deployments:branch");
        expect(message).to.contain("falco-deployments:policyGroup.packVersion: missing");
        expect(declared).to.deep.equal([]);
    });

    it("rejects unknown keys (a typo must not be ignored)", () => {
        expect(() => parseDeploymentsConfig({ ...exampleConfig(), "falco-deployments:agentPool": "x" })).to.throw(/agentPool: unknown key/);
    });

    describe("path filter", () => {
        const filters = stackPathFilters("homelab");

        it("follows Pulumi's include/exclude semantics", () => {
            expect(pathTriggersDeployment(["app/**", "!app/docs/**"], "app/x.ts")).to.equal(true);
            expect(pathTriggersDeployment(["app/**", "!app/docs/**"], "app/docs/x.md")).to.equal(false);
            expect(pathTriggersDeployment(["!docs/**"], "anything.ts")).to.equal(true);
            expect(pathTriggersDeployment([], "anything.ts")).to.equal(true);
        });

        it("covers every file the falco program loads or reads, so no change to the stack goes undeployed", async () => {
            const touched = await filesTouchedByFalcoProgram();
            expect(touched).to.include("index.ts").and.include("components/falcoValues.ts");
            const missed = touched.filter((file) => !pathTriggersDeployment(filters, file));
            expect(missed, "files the program uses but the path filter ignores").to.deep.equal([]);
            // Everything bundled into bin/index.js and policies/bin/index.js (what Pulumi runs), and what shapes the bundles.
            const bundled = (await Promise.all(BUILDS.map((build) => bundleInputs(build.entry)))).flat();
            expect(bundled).to.include.members(["components/compiledEntry.ts", "index.ts", "policies/compiledEntry.ts", "policies/index.ts"]);
            for (const file of ["Pulumi.yaml", "Pulumi.homelab.yaml", "package-lock.json", "tsconfig.json", "scripts/build.ts", ...bundled]) {
                expect(pathTriggersDeployment(filters, file), file).to.equal(true);
            }
        });

        it("is the one the README lists", () => {
            const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
            const row = readme.split("\n").find((line) => line.startsWith("| `vcs.paths` |"));
            expect(row, "README row for vcs.paths").to.be.a("string");
            const listed = [...row!.split("|")[2].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
            expect(listed).to.deep.equal(filters);
        });

        it("ignores docs, tests, CI and this deployments program", () => {
            for (const file of ["README.md", "test/program.test.ts", "deployments/index.ts", ".github/workflows/pr.yaml", "Pulumi.other.yaml", "scripts/render.ts"]) {
                expect(pathTriggersDeployment(filters, file), file).to.equal(false);
            }
        });
    });

    describe("pre-run commands, executed by bash with stand-ins for npm and pulumi", () => {
        function runPreRun(command: string, exitCode: number): { status: number | null; argv: string[] } {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "falco-prerun-"));
            const record = path.join(dir, "argv");
            for (const tool of ["npm", "pulumi"]) {
                const script = `#!/bin/sh\nprintf '%s\\n' "${tool}" "$@" > "${record}"\nexit ${exitCode}\n`;
                fs.writeFileSync(path.join(dir, tool), script, { mode: 0o755 });
            }
            const result = spawnSync("bash", ["-c", command], {
                encoding: "utf8",
                env: {
                    PATH: `${dir}:/usr/bin:/bin`,
                    PULUMI_CI_ORGANIZATION: "pi-org",
                    PULUMI_CI_PROJECT: "falco",
                    PULUMI_CI_STACK: "homelab",
                },
            });
            const argv = fs.existsSync(record) ? fs.readFileSync(record, "utf8").split("\n").slice(0, -1) : [];
            return { status: result.status, argv };
        }

        it("installs from the lockfile", () => {
            expect(runPreRun(preRunCommands()[0], 0).argv).to.deep.equal(["npm", "ci", "--no-audit", "--no-fund"]);
        });

        it("builds the compiled program Pulumi runs (Pulumi.yaml main) before any preview or update", () => {
            const project = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8"));
            expect(project.main).to.equal(path.relative(PROJECT_ROOT, path.join(BUILD_DIR, "index.js")));
            expect(runPreRun(preRunCommands()[1], 0).argv).to.deep.equal(["npm", "run", "build"]);
            const scripts = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")).scripts;
            expect(scripts.build).to.contain("scripts/build.ts");
            expect(runPreRun(preRunCommands()[1], 1).status, "a failed build stops the deployment").to.equal(1);
        });

        it("previews the deployment's own stack with the repository's policy pack", () => {
            const { status, argv } = runPreRun(preRunCommands()[2], 0);
            expect(status).to.equal(0);
            expect(argv).to.deep.equal(["pulumi", "preview", "--non-interactive", "--stack", "pi-org/falco/homelab", "--policy-pack", POLICY_PACK_DIR]);
        });

        it("fails when the policy preview fails (a mandatory violation exits non-zero)", () => {
            expect(runPreRun(preRunCommands()[2], 255).status).to.equal(255);
        });

        it("names the folder that holds the policy pack", () => {
            const packFile = path.join(PROJECT_ROOT, POLICY_PACK_DIR, "PulumiPolicy.yaml");
            expect(fs.existsSync(packFile), packFile).to.equal(true);
        });
    });
});

/** The tsconfig files Pulumi's nodejs runtime reads for the falco project (Pulumi.yaml runtime.options.tsconfig and its `extends`). */
/** `Interface.member` for every member of a DeploymentSettings* args interface that @pulumi/pulumiservice marks @deprecated. */
function deprecatedDeploymentSettingsFields(): string[] {
    const packageDir = path.dirname(require.resolve("@pulumi/pulumiservice/package.json"));
    const deprecated: string[] = [];
    for (const file of ["deploymentSettings.d.ts", "types/input.d.ts"]) {
        const source = ts.createSourceFile(file, fs.readFileSync(path.join(packageDir, file), "utf8"), ts.ScriptTarget.Latest, true);
        source.forEachChild((node) => {
            if (ts.isInterfaceDeclaration(node) && node.name.text.startsWith("DeploymentSettings")) {
                for (const member of node.members) {
                    if (member.name && ts.getJSDocTags(member).some((tag) => tag.tagName.text === "deprecated")) {
                        deprecated.push(`${node.name.text}.${(member.name as ts.Identifier).text}`);
                    }
                }
            }
        });
    }
    return deprecated;
}

/** Repository-relative paths of the project files the falco program requires or reads, under mocks. */
async function filesTouchedByFalcoProgram(): Promise<string[]> {
    const read = new Set<string>();
    const fsModule = require("fs") as typeof fs;
    const original = fsModule.readFileSync;
    (fsModule as any).readFileSync = function (file: fs.PathOrFileDescriptor, ...rest: unknown[]) {
        if (typeof file === "string") {
            read.add(path.resolve(file));
        }
        return (original as any).call(this, file, ...rest);
    };
    try {
        await runProgram(homelabEngineConfig());
    } finally {
        (fsModule as any).readFileSync = original;
    }
    const loaded = Object.keys(require.cache);
    const inProject = (file: string) =>
        file.startsWith(PROJECT_ROOT + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`) && !file.startsWith(path.join(PROJECT_ROOT, "scripts") + path.sep);
    return [...new Set([...loaded, ...read])]
        .filter((file) => inProject(file) && !file.startsWith(path.join(PROJECT_ROOT, "test") + path.sep))
        .filter((file) => fs.existsSync(file))
        .map((file) => path.relative(PROJECT_ROOT, file).split(path.sep).join("/"))
        .sort();
}
