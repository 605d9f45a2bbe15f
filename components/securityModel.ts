import type { FalcoChartValues } from "./falcoValues";
import type { ContainerSecurityContext } from "./podSecurity";

/*
 * The security model's facts that the README shows and the tests check: which
 * rules cover each threat, and how each non-Falco container is confined.
 */

export interface ThreatCoverage {
    threat: string;
    /** Rules of falcosecurity/rules' falco_rules.yaml (5.0.0, what Falco 0.43.0 pins; also in 5.1.0). */
    upstreamRules: string[];
    /** This project's own rules (rules/, issue 3). */
    customRules: string[];
    note?: string;
}

export const THREAT_COVERAGE: ThreatCoverage[] = [
    {
        threat: "Container escape",
        upstreamRules: ["Detect release_agent File Container Escapes", "Debugfs Launched in Privileged Container", "Linux Kernel Module Injection Detected"],
        customRules: [],
    },
    {
        threat: "Privilege escalation",
        upstreamRules: ["PTRACE attached to process", "Packet socket created in container", "System user interactive"],
        customRules: [],
        note: "Prevention is Pod Security admission and the policy pack; these rules see the attempts at run time.",
    },
    {
        threat: "Reverse shells",
        upstreamRules: [
            "Redirect STDOUT/STDIN to Network Connection in Container",
            "Netcat Remote Code Execution in Container",
            "Disallowed SSH Connection Non Standard Port",
            "Run shell untrusted",
        ],
        customRules: ["Reverse Shell Detected"],
        note: "`Terminal shell in container` is disabled in the homelab stack (kubectl exec noise).",
    },
    {
        threat: "Crypto mining",
        upstreamRules: ["Drop and execute new binary in container", "Fileless execution via memfd_create", "Execution from /dev/shm"],
        customRules: ["Detect Cryptocurrency Mining"],
        note: "The default ruleset has no miner rule (miner pool rules are in the sandbox ruleset, not loaded); the upstream rules here catch how miners are usually dropped.",
    },
    {
        threat: "Sensitive file access",
        upstreamRules: [
            "Read sensitive file untrusted",
            "Read sensitive file trusted after startup",
            "Directory traversal monitored file read",
            "Search Private Keys or Passwords",
            "Find AWS Credentials",
            "Create Symlink Over Sensitive Files",
            "Create Hardlink Over Sensitive Files",
        ],
        customRules: [],
    },
    {
        threat: "Anomalous network activity",
        upstreamRules: ["Contact K8S API Server From Container", "Packet socket created in container", "Disallowed SSH Connection Non Standard Port"],
        customRules: [],
    },
    {
        threat: "Covering tracks",
        upstreamRules: ["Clear Log Activities", "Remove Bulk Data from Disk", "PTRACE anti-debug attempt"],
        customRules: [],
    },
];

/** Each non-Falco container of falcosidekick 0.12.1, with the values that set its security context. */
export const NON_FALCO_CONTAINERS = [
    { container: "falcosidekick", workload: "Deployment <release>-falcosidekick", valuePath: "falcosidekick.securityContext", writes: "nothing" },
    { container: "falcosidekick-ui", workload: "Deployment <release>-falcosidekick-ui", valuePath: "falcosidekick.webui.securityContext", writes: "nothing" },
    {
        container: "wait-redis (init)",
        workload: "Deployment <release>-falcosidekick-ui",
        valuePath: "falcosidekick.webui.initContainer.securityContext",
        writes: "nothing (redis-cli ping)",
    },
    {
        container: "redis",
        workload: "StatefulSet <release>-falcosidekick-ui-redis",
        valuePath: "falcosidekick.webui.redis.securityContext",
        writes: "/data only, the PVC (redis-server --dir /data)",
    },
] as const;

export function valueAt(values: unknown, keyPath: string): unknown {
    return keyPath.split(".").reduce<any>((node, key) => (node === undefined || node === null ? undefined : node[key]), values);
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|");
}

export function threatCoverageMarkdown(): string {
    const rows = THREAT_COVERAGE.map((t) => {
        const rules = [...t.upstreamRules.map((r) => `\`${r}\``), ...t.customRules.map((r) => `\`${r}\` (custom)`)].join(", ");
        return `| ${t.threat} | ${cell(rules)} | ${cell(t.note ?? "")} |`;
    });
    return ["| Threat | Rules | Note |", "|---|---|---|", ...rows].join("\n");
}

export function podHardeningMarkdown(values: FalcoChartValues): string {
    const rows = NON_FALCO_CONTAINERS.map((c) => {
        const sc = valueAt(values, c.valuePath) as ContainerSecurityContext;
        return [
            c.container,
            `\`${c.workload}\``,
            `\`${c.valuePath}\``,
            `${sc.runAsUser} (non-root)`,
            sc.readOnlyRootFilesystem ? `yes; writes ${c.writes}` : "no",
            `drop ${sc.capabilities.drop.join(", ")}; no escalation`,
            sc.seccompProfile.type,
        ].join(" | ");
    });
    return [
        "| Container | Workload | Chart value | User | Read-only root filesystem | Capabilities | Seccomp |",
        "|---|---|---|---|---|---|---|",
        ...rows.map((r) => `| ${r} |`),
    ].join("\n");
}
