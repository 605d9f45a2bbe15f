/**
 * The bench's baseline: a program that loads the same Pulumi SDK packages as the
 * real program (the bench passes the list it saw the real program load in
 * BENCH_SDKS) and declares one resource, or BENCH_RESOURCES trivial ones to
 * separate the SDK's per-resource cost from the program's own work.
 */
import * as k8s from "@pulumi/kubernetes";

for (const sdk of (process.env.BENCH_SDKS ?? "").split(",").filter((s) => s)) {
    require(sdk);
}

const count = Number(process.env.BENCH_RESOURCES ?? "1");
const namespaces = Array.from({ length: count }, (_, i) => new k8s.core.v1.Namespace(`baseline-${i}`, { metadata: { name: `baseline-${i}` } }));

export const namespaceName = namespaces[0].metadata.name;
