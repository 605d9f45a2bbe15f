/**
 * The bench's baseline: a program that loads the same Pulumi SDK packages as the
 * real program (the bench passes the list it saw the real program load) and
 * declares one resource. Its evaluation time is the floor any program pays.
 */
import * as k8s from "@pulumi/kubernetes";

for (const sdk of (process.env.BENCH_SDKS ?? "").split(",").filter((s) => s)) {
    require(sdk);
}

export const namespaceName = new k8s.core.v1.Namespace("baseline", { metadata: { name: "baseline" } }).metadata.name;
