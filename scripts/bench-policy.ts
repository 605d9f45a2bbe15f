/**
 * Benchmark (not a test): the policy checker on a generated 1,000-object
 * manifest, end to end from YAML text to violations, with the homelab
 * constraints. Target: under 2 s on the 2-core build machine.
 *   npm run bench:policy [-- OBJECTS]
 * `benchPolicyCheck` is exported for other benchmark scripts to call.
 */
import { performance } from "perf_hooks";
import YAML from "yaml";
import { loadConstraints } from "../policies/core/constraints";
import { evaluate } from "../policies/core/evaluate";
import { parseManifests } from "../policies/core/manifests";
import { GATEKEEPER_TEMPLATES, HOMELAB_CONSTRAINTS_DIR } from "../policies/gatekeeperTemplates";

export const POLICY_CHECK_TARGET_MS = 2000;

/** A manifest of `count` objects cycling through the kinds the checker judges, some violating. */
export function benchmarkManifest(count: number): string {
    const kinds = ["Deployment", "DaemonSet", "StatefulSet", "Job", "Pod", "Service", "ConfigMap", "CronJob"];
    const documents: unknown[] = [];
    for (let i = 0; i < count; i++) {
        const kind = kinds[i % kinds.length];
        const metadata = { name: `obj-${i}`, namespace: `team-${i % 7}`, labels: { app: `app-${i % 13}` } };
        const podSpec = {
            containers: [
                { name: "app", image: i % 10 === 0 ? "nginx:latest" : "nginx:1.27", resources: { limits: { cpu: "500m", memory: i % 9 === 0 ? "3Gi" : "1.5Gi" }, requests: { cpu: "100m", memory: "256Mi" } } },
                { name: "sidecar", image: "busybox:1.36", resources: { limits: { cpu: "100m", memory: "64Mi" } } },
            ],
            initContainers: [{ name: "init", image: "busybox:1.36", resources: { limits: { cpu: "100m", memory: "32Mi" } } }],
        };
        const template = { metadata: { labels: metadata.labels }, spec: podSpec };
        switch (kind) {
            case "Pod":
                documents.push({ apiVersion: "v1", kind, metadata, spec: podSpec });
                break;
            case "Service":
                documents.push({ apiVersion: "v1", kind, metadata, spec: { type: i % 16 === 6 ? "NodePort" : "ClusterIP", ports: [{ port: 80 }] } });
                break;
            case "ConfigMap":
                documents.push({ apiVersion: "v1", kind, metadata, data: { key: "value" } });
                break;
            case "Job":
                documents.push({ apiVersion: "batch/v1", kind, metadata, spec: { template } });
                break;
            case "CronJob":
                documents.push({ apiVersion: "batch/v1", kind, metadata, spec: { schedule: "0 * * * *", jobTemplate: { spec: { template } } } });
                break;
            default:
                documents.push({ apiVersion: "apps/v1", kind, metadata, spec: { selector: { matchLabels: metadata.labels }, template } });
        }
    }
    return documents.map((d) => YAML.stringify(d)).join("---\n");
}

export interface PolicyBenchResult {
    objects: number;
    violations: number;
    milliseconds: number;
}

/** Times parse + constraint load + evaluation of a generated manifest. */
export function benchPolicyCheck(objects = 1000): PolicyBenchResult {
    const text = benchmarkManifest(objects);
    const start = performance.now();
    const constraints = loadConstraints(HOMELAB_CONSTRAINTS_DIR, GATEKEEPER_TEMPLATES);
    const parsed = parseManifests(text, "benchmark");
    const violations = evaluate(parsed, constraints, GATEKEEPER_TEMPLATES);
    return { objects: parsed.length, violations: violations.length, milliseconds: performance.now() - start };
}

if (require.main === module) {
    const count = Number(process.argv[2] ?? 1000);
    const result = benchPolicyCheck(count);
    const verdict = result.milliseconds < POLICY_CHECK_TARGET_MS ? "within" : "ABOVE";
    console.log(`policy check: ${result.objects} objects, ${result.violations} violations in ${result.milliseconds.toFixed(0)} ms (${verdict} the ${POLICY_CHECK_TARGET_MS} ms target)`);
}
