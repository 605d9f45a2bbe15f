/*
 * Least-privilege settings for every pod of the stack except Falco's: the
 * falcosidekick, web UI and redis pods. They meet the Pod Security "restricted"
 * profile, which the namespace's warn and audit labels check.
 */

/**
 * The non-root user falcosidekick 0.12.1 already runs its and the web UI's pods
 * as (podSecurityContext.runAsUser). redis-stack's image has no USER and would
 * run as root, so its pod is given the same one.
 */
export const NON_ROOT_UID = 1234;

export interface ContainerSecurityContext {
    runAsNonRoot: true;
    runAsUser: number;
    runAsGroup: number;
    privileged: false;
    allowPrivilegeEscalation: false;
    readOnlyRootFilesystem: boolean;
    capabilities: { drop: ["ALL"] };
    seccompProfile: { type: "RuntimeDefault" };
}

export interface PodSecurityContext {
    runAsNonRoot: true;
    runAsUser: number;
    runAsGroup: number;
    /** Makes a volume (redis' PVC) writable by the non-root user, where the volume type supports it. */
    fsGroup: number;
    seccompProfile: { type: "RuntimeDefault" };
}

/** Pod Security admission level names. */
export const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/**
 * Container-level, so it applies whatever the chart puts at pod level, and
 * because falcosidekick's `podSecurityContext` default is a fixed map while
 * every `securityContext` value is passed through whole.
 */
export function restrictedContainer(readOnlyRootFilesystem: boolean): ContainerSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: NON_ROOT_UID,
        runAsGroup: NON_ROOT_UID,
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

export function restrictedPod(): PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: NON_ROOT_UID,
        runAsGroup: NON_ROOT_UID,
        fsGroup: NON_ROOT_UID,
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/**
 * Pod annotation carrying falco:credentialsRotation. The web UI and redis read
 * their passwords from the environment at start; a changed annotation changes
 * the pod template, so a rotation also rolls them out.
 */
export const ROTATION_ANNOTATION = "falco-homelab.local/credentials-rotation";
