/**
 * Measurement only, for the bench: the program's own work before it declares anything, timed once in a
 * fresh process, cold, as the bundle does it. Bundled beside the program (the build manifest it checks is
 * the program's) and run by the same launcher and mock engine; its stack output `phases` carries the times.
 */
import * as pulumi from "@pulumi/pulumi";
import { performance } from "perf_hooks";
import { assertBuildCurrent } from "../../components/buildFreshness";
import { planStack } from "../../components/stackPlan";

const started = performance.now();
assertBuildCurrent(__dirname);
const checked = performance.now();
const plan = planStack(pulumi.runtime.allConfig());
const planned = performance.now();

export const phases = { buildCheckMs: checked - started, planMs: planned - checked };
/** What was planned, so that a test can see the configuration went through planStack. */
export const plannedNodes = plan.config.nodes;
