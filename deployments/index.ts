/**
 * Pulumi Deployments for the falco project's stack, as code. A separate,
 * small program: a stack should not define its own deployment settings.
 *   pulumi -C deployments up
 */
import * as pulumi from "@pulumi/pulumi";
import * as service from "@pulumi/pulumiservice";
import {
    deploymentSettingsArgs,
    parseDeploymentsConfig,
    policyGroupArgs,
    readTargetProjectName,
    stackPathFilters,
    targetStack,
} from "./settings";

// Validate first: a bad value stops the run before anything is declared.
const config = parseDeploymentsConfig(pulumi.runtime.allConfig());
const target = targetStack(config, readTargetProjectName(), pulumi.getOrganization());

const settingsArgs = deploymentSettingsArgs(config, target);
const settings = new service.DeploymentSettings(`${target.project}-${target.stack}`, settingsArgs);

const policyGroup = config.policyGroup
    ? new service.PolicyGroup(`${target.project}-${target.stack}-policy`, policyGroupArgs(config.policyGroup, target))
    : undefined;

export const deployedStack = `${target.organization}/${target.project}/${target.stack}`;
export const agentPoolId = settings.agentPoolId;
export const pathFilters = stackPathFilters(config.targetStack);
export const serverSidePolicyGroup = policyGroup ? policyGroup.name : "none (pre-run policy gate only)";
