/**
 * Pulumi Deployments for the falco project, as pure functions of validated
 * configuration: the deployments program (index.ts) only wires them to
 * @pulumi/pulumiservice resources, and the tests check them without a runtime.
 */
import * as fs from "fs";
import * as path from "path";
import type * as service from "@pulumi/pulumiservice";
import YAML from "yaml";
import { ProblemList, show } from "../components/config/errors";
import { FieldReader } from "../components/config/fieldReader";

export const DEPLOYMENTS_NAMESPACE = "falco-deployments";

/** The repository root: the falco project lives there, this program one level down. */
export const REPOSITORY_ROOT = path.resolve(__dirname, "..");

/**
 * The policy pack folder (issue 6's CrossGuard pack), relative to the
 * repository root, as `pulumi preview --policy-pack` takes it.
 */
export const POLICY_PACK_DIR = "policies";

export interface PolicyGroupConfig {
    packName: string;
    packVersion: string;
}

export interface DeploymentsConfig {
    repository: string;
    agentPoolId: string;
    targetStack: string;
    branch: string;
    /** "" = the organization of the deployments stack itself. */
    organization: string;
    executorImage: string;
    policyGroup?: PolicyGroupConfig;
}

export type DeploymentsConfigKey = keyof DeploymentsConfig;

export const DEPLOYMENTS_CONFIG_KEY_TYPES: Record<DeploymentsConfigKey, "string" | "object"> = {
    repository: "string",
    agentPoolId: "string",
    targetStack: "string",
    branch: "string",
    organization: "string",
    executorImage: "string",
    policyGroup: "object",
};

const REQUIRED_KEYS: readonly DeploymentsConfigKey[] = ["repository", "agentPoolId"];

/** The stack a deployment targets, fully qualified. */
export interface TargetStack {
    organization: string;
    project: string;
    stack: string;
}

/** Reads the falco project's name from its Pulumi.yaml: one source for it. */
export function targetProjectName(projectYaml: string): string {
    const name = YAML.parse(projectYaml)?.name;
    if (typeof name !== "string" || name === "") {
        throw new Error("internal error: the falco project's Pulumi.yaml has no name");
    }
    return name;
}

export function readTargetProjectName(root = REPOSITORY_ROOT): string {
    return targetProjectName(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
}

/**
 * Validates the engine's configuration (every value a string, keys qualified
 * with the project name). Every problem is reported at once, as a UserInputError.
 */
export function parseDeploymentsConfig(raw: Record<string, string>): DeploymentsConfig {
    const problems = new ProblemList();
    const read = new FieldReader(problems);
    const prefix = `${DEPLOYMENTS_NAMESPACE}:`;
    const values: Partial<Record<DeploymentsConfigKey, unknown>> = {};
    for (const [fullKey, text] of Object.entries(raw)) {
        if (!fullKey.startsWith(prefix)) {
            continue;
        }
        const key = fullKey.slice(prefix.length) as DeploymentsConfigKey;
        if (!(key in DEPLOYMENTS_CONFIG_KEY_TYPES)) {
            problems.add(`${fullKey}: unknown key; accepted keys: ${Object.keys(DEPLOYMENTS_CONFIG_KEY_TYPES).join(", ")}`);
            continue;
        }
        if (DEPLOYMENTS_CONFIG_KEY_TYPES[key] === "object") {
            try {
                values[key] = JSON.parse(text);
            } catch {
                problems.add(`${fullKey}: ${show(text)} is not an object`);
            }
        } else {
            values[key] = text;
        }
    }
    for (const key of REQUIRED_KEYS) {
        if (values[key] === undefined) {
            problems.add(`${prefix}${key}: missing; it is required (pulumi config set ${key} ...)`);
        }
    }
    const key = (name: DeploymentsConfigKey) => `${prefix}${name}`;

    const repository = read.string(values.repository ?? "", key("repository"));
    if (values.repository !== undefined && !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/.test(repository)) {
        problems.add(`${key("repository")}: ${show(values.repository)} is not accepted; accepted: a GitHub repository as owner/name, e.g. my-user/falco-homelab`);
    }
    const agentPoolId = read.string(values.agentPoolId ?? "", key("agentPoolId"));
    if (values.agentPoolId !== undefined && !/^[A-Za-z0-9-]+$/.test(agentPoolId)) {
        problems.add(`${key("agentPoolId")}: ${show(values.agentPoolId)} is not accepted; accepted: the pool id shown in Pulumi Cloud (letters, digits and '-')`);
    }
    const targetStack = read.string(values.targetStack ?? "homelab", key("targetStack"));
    if (!/^[A-Za-z0-9_.-]+$/.test(targetStack)) {
        problems.add(`${key("targetStack")}: ${show(targetStack)} is not a stack name; accepted: letters, digits, '_', '.', '-'`);
    }
    const branch = read.string(values.branch ?? "main", key("branch"));
    if (branch === "" || branch.startsWith("refs/") || /\s/.test(branch)) {
        problems.add(`${key("branch")}: ${show(branch)} is not accepted; accepted: a branch name without refs/heads/, e.g. main`);
    }
    const organization = read.string(values.organization ?? "", key("organization"));
    const executorImage = read.string(values.executorImage ?? "pulumi/pulumi-nodejs-22", key("executorImage"));
    if (executorImage === "" || /\s/.test(executorImage)) {
        problems.add(`${key("executorImage")}: ${show(executorImage)} is not an image reference; accepted: e.g. pulumi/pulumi-nodejs-22:3.200.0`);
    }

    let policyGroup: PolicyGroupConfig | undefined;
    if (values.policyGroup !== undefined) {
        const record = read.object(values.policyGroup, key("policyGroup"), [], ["packName", "packVersion"]);
        if (Object.keys(record).length > 0) {
            const group = read.object(record, key("policyGroup"), ["packName", "packVersion"]);
            policyGroup = {
                packName: read.string(group.packName, `${key("policyGroup")}.packName`),
                packVersion: read.string(group.packVersion, `${key("policyGroup")}.packVersion`),
            };
        }
    }

    problems.throwIfAny("invalid deployments configuration");
    return { repository, agentPoolId, targetStack, branch, organization, executorImage, ...(policyGroup ? { policyGroup } : {}) };
}

/**
 * Files whose change must redeploy the target stack, as Pulumi Deployments
 * path filters (globs on the full path from the repository root; `!` excludes).
 * Everything the falco program loads or reads is covered (a test runs the
 * program and checks each file it touched); tests, docs and this deployments
 * program are not, so a README fix does not roll the cluster.
 */
export function stackPathFilters(targetStack: string): string[] {
    return [
        "Pulumi.yaml",
        `Pulumi.${targetStack}.yaml`,
        "index.ts",
        "components/**",
        "rules/**",
        `${POLICY_PACK_DIR}/**`,
        "package.json",
        "package-lock.json",
        // esbuild reads tsconfig.json's compiler options when scripts/build.ts bundles the program.
        "tsconfig.json",
        "scripts/build.ts",
    ];
}

/** Whether a push that changes `file` triggers a deployment, with Pulumi Deployments' include/exclude semantics. */
export function pathTriggersDeployment(filters: readonly string[], file: string): boolean {
    const includes = filters.filter((f) => !f.startsWith("!"));
    const excludes = filters.filter((f) => f.startsWith("!")).map((f) => f.slice(1));
    const included = includes.length === 0 || includes.some((glob) => path.posix.matchesGlob(file, glob));
    return included && !excludes.some((glob) => path.posix.matchesGlob(file, glob));
}

/**
 * Shell lines the deployment runs before `pulumi up` or `pulumi preview`, each
 * in its own shell; a line that exits non-zero stops the deployment before its
 * Pulumi operation (the README says how to confirm this once on your org).
 *
 * Pulumi Deployments has no setting that passes `--policy-pack` to the run it
 * starts. The last line is the equivalent: a preview of the same commit, on
 * the same agent, with the repository's policy pack; a mandatory violation
 * makes it exit non-zero, so nothing is applied. The PULUMI_CI_* variables are
 * set by Pulumi Deployments for every run.
 */
export function preRunCommands(): string[] {
    return [
        // The lockfile, not a fresh resolution: the default install step is skipped for this.
        "npm ci --no-audit --no-fund",
        // Pulumi runs bin/index.js (Pulumi.yaml main) and policies/bin/index.js (the pack's main) and builds
        // neither; each bundle refuses to run if stale.
        "npm run build",
        `pulumi preview --non-interactive --stack "$PULUMI_CI_ORGANIZATION/$PULUMI_CI_PROJECT/$PULUMI_CI_STACK" --policy-pack ${POLICY_PACK_DIR}`,
    ];
}

export function targetStack(config: DeploymentsConfig, project: string, currentOrganization: string): TargetStack {
    return { organization: config.organization || currentOrganization, project, stack: config.targetStack };
}

/** The DeploymentSettings inputs: only current fields (`vcs`, not the deprecated `github`). */
export function deploymentSettingsArgs(config: DeploymentsConfig, target: TargetStack): service.DeploymentSettingsArgs {
    return {
        organization: target.organization,
        project: target.project,
        stack: target.stack,
        agentPoolId: config.agentPoolId,
        executorContext: { executorImage: config.executorImage },
        sourceContext: {
            git: {
                branch: `refs/heads/${config.branch}`,
                // The falco project's Pulumi.yaml is at the repository root.
                repoDir: ".",
            },
        },
        vcs: {
            provider: "github",
            repository: config.repository,
            deployCommits: true,
            previewPullRequests: true,
            // Review stacks would need a cluster of their own; the homelab has one.
            pullRequestTemplate: false,
            paths: stackPathFilters(config.targetStack),
        },
        operationContext: {
            preRunCommands: preRunCommands(),
            options: {
                skipInstallDependencies: true,
                // A Pi cluster: when commits queue up, deploy only the newest.
                skipIntermediateDeployments: true,
            },
        },
    };
}

/** Server-side enforcement of the published pack, where the organization's plan has policy groups. */
export function policyGroupArgs(group: PolicyGroupConfig, target: TargetStack): service.PolicyGroupArgs {
    return {
        organizationName: target.organization,
        name: `${target.project}-${target.stack}`,
        entityType: "stacks",
        // preventative: a mandatory violation blocks the update, as --policy-pack does.
        mode: "preventative",
        stacks: [{ name: target.stack, routingProject: target.project }],
        policyPacks: [{ name: group.packName, versionTag: group.packVersion }],
    };
}
