import type { ResourceValidationPolicy } from "@pulumi/policy";
import { gatekeeperWarningsPolicy } from "../../policies/core/pulumiPolicy";
import { GATEKEEPER_TEMPLATES } from "../../policies/gatekeeperTemplates";

/**
 * The policies policies/index.ts wires, loaded without creating a PolicyPack
 * (a second pack in one process exits it). Kept equal to index.ts by a test.
 */
export const SIZING_POLICY_MODULES = ["redisMaxmemoryHeadroom", "redisSnapshotStorage", "falcoRingBuffers"];

export function packPolicies(): ResourceValidationPolicy[] {
    const templatePolicies = GATEKEEPER_TEMPLATES.map((rule) => require(`../../policies/${rule.name}`).policy as ResourceValidationPolicy);
    const sizing = SIZING_POLICY_MODULES.map((m) => require(`../../policies/${m}`).policy as ResourceValidationPolicy);
    return [...templatePolicies, gatekeeperWarningsPolicy(GATEKEEPER_TEMPLATES), ...sizing];
}
