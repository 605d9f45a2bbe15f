/**
 * The README's runbook (Pulumi Deployments, Operations, Troubleshooting,
 * Raspberry Pi 5 notes) against what is deployed: every kubectl command names
 * the namespace, workloads, services, containers and labels of the offline
 * render, and every LogQL and PromQL query parses with Loki's and
 * Prometheus' own grammars. Docs cannot drift from the program.
 */
import { parser as logqlParser } from "@grafana/lezer-logql";
import { parser as promqlParser } from "@prometheus-io/lezer-promql";
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseShell } from "shell-quote";
import YAML from "yaml";
import { chartObjects } from "../components/chartObjects";
import { PROMETHEUS_OPERATOR_CRDS } from "../components/clusterPrerequisites";
import type { OperatorOutputs } from "../components/stackOutputs";
import { runCheck } from "../policies/checker";
import { README_PATH } from "../scripts/docs";
import { PROJECT_ROOT } from "../scripts/mockRuntime";
import { render } from "../scripts/render";

const RUNBOOK_SECTIONS = ["Pulumi Deployments", "Ordering", "Operations", "Troubleshooting", "Raspberry Pi 5 notes"];

/** The text of the README's `## NAME` sections. */
export function readmeSections(readme: string, names: readonly string[]): string {
    const sections = readme.split(/^## /m);
    return names
        .map((name) => {
            const section = sections.find((s) => s.startsWith(`${name}\n`));
            if (section === undefined) {
                throw new Error(`README.md has no "## ${name}" section`);
            }
            return section;
        })
        .join("\n");
}

/** Every kubectl invocation in fenced blocks and inline code, as shell words (pipes and `&&` end a command). */
export function kubectlCommands(markdown: string): string[][] {
    const snippets: string[] = [];
    for (const block of markdown.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)) {
        snippets.push(...block[1].split("\n"));
    }
    const withoutBlocks = markdown.replace(/```[\s\S]*?```/g, "");
    for (const inline of withoutBlocks.matchAll(/`([^`\n]+)`/g)) {
        snippets.push(inline[1].replace(/\\\|/g, "|"));
    }
    const commands: string[][] = [];
    for (const snippet of snippets) {
        let current: string[] | undefined;
        for (const token of parseShell(snippet.replace(/\s+#.*$/, ""))) {
            if (typeof token !== "string") {
                current = undefined; // an operator (|, &&, ;) or a comment ends the command
                continue;
            }
            if (current === undefined && token === "kubectl") {
                current = [];
                commands.push(current);
            } else if (current !== undefined) {
                current.push(token);
            }
        }
    }
    return commands;
}

const KIND_ALIASES: Record<string, string> = {
    ds: "DaemonSet",
    daemonset: "DaemonSet",
    deploy: "Deployment",
    deployment: "Deployment",
    sts: "StatefulSet",
    statefulset: "StatefulSet",
    svc: "Service",
    service: "Service",
    pvc: "PersistentVolumeClaim",
    persistentvolumeclaim: "PersistentVolumeClaim",
};

interface DeployedNames {
    namespace: string;
    /** "Kind/name" of every object a command may name, per namespace. */
    objects: Map<string, Set<string>>;
    /** Containers of each workload "Kind/name". */
    containers: Map<string, string[]>;
    podSelectors: Set<string>;
    /** Pod selector of each workload "Kind/name". */
    selectorOf: Map<string, string>;
    /** Cluster-scoped CustomResourceDefinitions the stack requires. */
    crds: Set<string>;
}

function hostOf(url: string): { service: string; namespace: string } {
    const [service, namespace] = new URL(url).hostname.split(".");
    return { service, namespace };
}

function deployedNames(outputs: { namespaceName: string } & OperatorOutputs): DeployedNames {
    const objects = new Map<string, Set<string>>();
    const add = (namespace: string, ref: string) => objects.set(namespace, (objects.get(namespace) ?? new Set()).add(ref));
    const containers = new Map<string, string[]>();
    const podSelectors = new Set<string>();
    const selectorOf = new Map<string, string>();
    for (const workload of Object.values(outputs.objects.workloads)) {
        const ref = `${workload.kind}/${workload.name}`;
        add(outputs.namespaceName, ref);
        containers.set(ref, workload.containers);
        podSelectors.add(workload.podSelector);
        selectorOf.set(ref, workload.podSelector);
    }
    for (const service of Object.values(outputs.objects.services)) {
        add(outputs.namespaceName, `Service/${service}`);
    }
    add(outputs.namespaceName, `PersistentVolumeClaim/${outputs.objects.redisDataClaim}`);
    // The monitoring stack's Services, as the event targets name them.
    for (const target of [outputs.eventTargets.alertmanager, outputs.eventTargets.loki]) {
        const { service, namespace } = hostOf(target.url);
        add(namespace, `Service/${service}`);
    }
    return { namespace: outputs.namespaceName, objects, containers, podSelectors, selectorOf, crds: new Set(PROMETHEUS_OPERATOR_CRDS) };
}

/** Problems with one kubectl command's names; [] when it names only deployed things. */
export function commandProblems(words: string[], deployed: DeployedNames): string[] {
    const problems: string[] = [];
    const line = `kubectl ${words.join(" ")}`;
    const valueOf = (...flags: string[]) => {
        const index = words.findIndex((w) => flags.includes(w));
        return index >= 0 ? words[index + 1] : undefined;
    };
    const namespace = valueOf("-n", "--namespace");
    const verb = words.find((w, i) => !w.startsWith("-") && !["-n", "--namespace", "-c", "-l"].includes(words[i - 1] ?? ""));
    const crdIndex = words.findIndex((w) => w === "crd" || w === "customresourcedefinition");
    if (crdIndex >= 0) {
        // Cluster-scoped: no namespace; only the CRDs the stack requires.
        for (const name of words.slice(crdIndex + 1).filter((w) => !w.startsWith("-"))) {
            if (!deployed.crds.has(name)) {
                problems.push(`${line}: ${name} is not a CRD the stack requires`);
            }
        }
        return problems;
    }
    // Throwaway pods (kubectl run) go where the operator chooses; everything else is in a known namespace.
    if (verb !== "run") {
        if (namespace === undefined) {
            problems.push(`${line}: no -n NAMESPACE`);
        } else if (!deployed.objects.has(namespace)) {
            problems.push(`${line}: namespace "${namespace}" is neither the stack's nor its event targets'`);
        }
    }
    const known = deployed.objects.get(namespace ?? "") ?? new Set<string>();
    let workload: string | undefined;
    for (const word of words) {
        const ref = /^([a-z]+)\/([a-z0-9.-]+)$/.exec(word);
        if (ref && KIND_ALIASES[ref[1]]) {
            const kindRef = `${KIND_ALIASES[ref[1]]}/${ref[2]}`;
            if (!known.has(kindRef)) {
                problems.push(`${line}: ${word} is not deployed in namespace "${namespace}"`);
            }
            if (deployed.containers.has(kindRef)) {
                workload = kindRef;
            }
        }
    }
    const selector = valueOf("-l", "--selector");
    if (selector !== undefined && !deployed.podSelectors.has(selector)) {
        problems.push(`${line}: selector ${selector} selects none of the chart's pods (${[...deployed.podSelectors].join(" | ")})`);
    }
    const container = valueOf("-c", "--container");
    if (container !== undefined) {
        const candidates = workload
            ? deployed.containers.get(workload)!
            : [...deployed.containers.entries()].filter(([ref]) => selector !== undefined && deployed.selectorOf.get(ref) === selector).flatMap(([, c]) => c);
        if (!candidates.includes(container)) {
            problems.push(`${line}: container ${container} is not one of ${candidates.join(", ") || "(no workload named)"}`);
        }
    }
    return problems;
}

describe("README runbook against the deployed names", () => {
    let outputs: { namespaceName: string } & OperatorOutputs;
    let deployed: DeployedNames;
    const runbook = readmeSections(fs.readFileSync(README_PATH, "utf8"), RUNBOOK_SECTIONS);

    before(async () => {
        const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "falco-runbook-"));
        await render({ stack: "homelab", stackFile: path.join(PROJECT_ROOT, "Pulumi.homelab.yaml"), outDir });
        outputs = JSON.parse(fs.readFileSync(path.join(outDir, "outputs.json"), "utf8"));
        deployed = deployedNames(outputs);
    });

    it("has kubectl commands for every operation", () => {
        expect(kubectlCommands(runbook).length).to.be.greaterThan(15);
    });

    it("names only the namespace, objects, containers and labels of the render", () => {
        const problems = kubectlCommands(runbook).flatMap((words) => commandProblems(words, deployed));
        expect(problems).to.deep.equal([]);
    });

    it("names only configuration keys the projects declare", () => {
        const declared = (file: string) => Object.keys(YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8")).config);
        const keys = new Set([...declared("Pulumi.yaml"), ...declared("deployments/Pulumi.yaml")]);
        const used = [...runbook.matchAll(/\b(falco(?:-deployments)?:[A-Za-z]+)/g)].map((m) => m[1]);
        expect(used.length).to.be.greaterThan(10);
        expect([...new Set(used)].filter((key) => !keys.has(key))).to.deep.equal([]);
    });

    describe("the throwaway pod of \"Test a detection safely\"", () => {
        const detectionPod = (edit: (spec: any) => void = () => undefined) => {
            const run = kubectlCommands(runbook).find((words) => words.includes("run"))!;
            const name = run[run.indexOf("run") + 1];
            const overrides = run.find((word) => word.startsWith("--overrides="))!;
            const spec = JSON.parse(overrides.slice("--overrides=".length)).spec;
            edit(spec);
            const namespace = run[run.indexOf("-n") + 1];
            return JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace }, spec });
        };
        const check = (pod: string) => runCheck(["check", "--json", "-"], () => pod);

        it("passes the cluster's Gatekeeper constraints (the policy pack's checker, homelab constraints)", () => {
            const result = check(detectionPod());
            expect(result.exitCode, result.stdout).to.equal(0);
        });

        it("would be refused without its resources (the check can fail)", () => {
            const result = check(detectionPod((spec) => delete spec.containers[0].resources));
            expect(result.exitCode).to.equal(1);
        });

        it("reads /etc/shadow with cat, which the README says fires Read sensitive file untrusted", () => {
            const spec = JSON.parse(detectionPod()).spec;
            expect(spec.containers[0].command).to.deep.equal(["cat", "/etc/shadow"]);
            expect(runbook).to.contain("**`Read sensitive file\nuntrusted`**");
        });
    });

    it("gives the same web UI port-forward command as the stack output", () => {
        expect(runbook).to.contain(outputs.webUi.portForward);
    });

    it("names the redis volume claim the StatefulSet creates, and the protected namespace", () => {
        expect(runbook).to.contain(outputs.objects.redisDataClaim);
        expect(runbook).to.contain(`kubernetes:core/v1:Namespace::falco-namespace`);
    });

    it("holds LogQL that Loki's grammar parses, and PromQL that Prometheus' grammar parses", () => {
        const queries = (language: string) => [...runbook.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].flatMap((m) => m[1].split("\n").filter((l) => l.trim()));
        const curlQueries = [...runbook.matchAll(/--data-urlencode 'query=([^']+)'/g)].map((m) => m[1]);
        const logql = [...queries("logql"), ...curlQueries];
        const promql = queries("promql");
        expect(logql.length).to.be.greaterThan(2);
        expect(promql.length).to.be.greaterThan(0);
        for (const [language, parser, list] of [["LogQL", logqlParser, logql], ["PromQL", promqlParser, promql]] as const) {
            for (const query of list) {
                const errors: string[] = [];
                parser.parse(query).iterate({ enter: (node) => void (node.type.isError && errors.push(`at ${node.from}`)) });
                expect(errors, `${language}: ${query}`).to.deep.equal([]);
            }
        }
    });

    describe("the checker itself", () => {
        it("catches a wrong namespace, object, container and selector", () => {
            const fake = {
                namespace: "falco",
                objects: new Map([["falco", new Set(["DaemonSet/falco", "Service/falco-falcosidekick-ui"])]]),
                containers: new Map([["DaemonSet/falco", ["falco"]]]),
                podSelectors: new Set(["app.kubernetes.io/name=falco"]),
                selectorOf: new Map([["DaemonSet/falco", "app.kubernetes.io/name=falco"]]),
                crds: new Set(["servicemonitors.monitoring.coreos.com"]),
            };
            const check = (line: string) => commandProblems(kubectlCommands("`" + line + "`")[0], fake);
            expect(check("kubectl -n falco logs ds/falco -c falco")).to.deep.equal([]);
            expect(check("kubectl -n security logs ds/falco -c falco")[0]).to.match(/namespace "security"/);
            expect(check("kubectl -n falco port-forward svc/falco-ui 2802:2802")[0]).to.match(/svc\/falco-ui is not deployed/);
            expect(check("kubectl -n falco logs ds/falco -c falcoctl")[0]).to.match(/container falcoctl is not one of falco/);
            expect(check("kubectl -n falco get pods -l app=falco")[0]).to.match(/selector app=falco selects none/);
            expect(check("kubectl get pods")[0]).to.match(/no -n NAMESPACE/);
            expect(check("kubectl get crd servicemonitors.monitoring.coreos.com")).to.deep.equal([]);
            expect(check("kubectl get crd podmonitors.monitoring.coreos.com")[0]).to.match(/not a CRD the stack requires/);
        });

        it("splits commands at pipes and finds them inline and in blocks", () => {
            const found = kubectlCommands("```sh\nkubectl -n a get x | grep y && kubectl -n b get z\n```\nand `kubectl -n c get w`");
            expect(found).to.deep.equal([
                ["-n", "a", "get", "x"],
                ["-n", "b", "get", "z"],
                ["-n", "c", "get", "w"],
            ]);
        });
    });

    it("derives the names from the release as the chart templates do", () => {
        const names = chartObjects("falco-pi");
        expect(names.falco.name).to.equal("falco-pi");
        expect(names.sidekick.name).to.equal("falco-pi-falcosidekick");
        expect(names.services.webui).to.equal("falco-pi-falcosidekick-ui");
        expect(names.redisDataClaim).to.equal("falco-pi-falcosidekick-ui-redis-data-falco-pi-falcosidekick-ui-redis-0");
        // A release name that contains "falcosidekick" is used as the subchart's full name.
        expect(chartObjects("falcosidekick-lab").sidekick.name).to.equal("falcosidekick-lab");
        // The falcoctl follow sidecar exists only for a followed (floating) rules version.
        expect(chartObjects("falco", true).falco.containers).to.include("falcoctl-artifact-follow");
        expect(chartObjects("falco", false).falco.containers).to.deep.equal(["falco", "falcoctl-artifact-install"]);
    });
});
