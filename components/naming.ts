/** Pulumi type tokens of this project's components; one place, so tests and the render agree. */
export const COMPONENT_TYPES = {
    namespace: "falco-homelab:index:FalcoNamespace",
    release: "falco-homelab:index:FalcoRelease",
    credentials: "falco-homelab:index:Credentials",
    networkPolicies: "falco-homelab:index:FalcoNetworkPolicies",
    monitoring: "falco-homelab:index:FalcoMonitoring",
    prerequisites: "falco-homelab:index:ClusterPrerequisites",
} as const;

/** Pod Security admission labels; Falco's privileged DaemonSet needs `privileged` enforcement. */
export const POD_SECURITY_VERSION = "v1.33";
