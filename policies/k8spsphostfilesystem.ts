import { ALL_CONTAINER_FIELDS, containersIn } from "./core/containers";
import { gatekeeperPolicy } from "./core/pulumiPolicy";
import type { TemplateRule } from "./core/types";

interface AllowedHostPath {
    pathPrefix: string;
    readOnly?: boolean;
}

/**
 * k8spsphostfilesystem 1.1.2 (gatekeeper-library pod-security-policy/host-filesystem).
 * Has CEL and Rego; Gatekeeper runs the CEL, whose prefix test is a plain string
 * prefix ("/foo" admits "/foobar"), where the Rego compared path segments.
 * A readOnly entry admits the volume only when no container mounts it writable.
 * The CEL reads `volumeMounts` of every container without checking it exists;
 * a container without mounts makes the expression fail. Gatekeeper's CEL
 * driver (open-policy-agent/frameworks k8scel/driver.go) runs the template
 * through Kubernetes' ValidatingAdmissionPolicy validator with the template's
 * failure policy (none in this template: schema.go passes nil) and turns every
 * Deny decision into a violation. The validator treats a nil policy as Fail, so
 * an evaluation error is a Deny (k8s.io/apiserver's validator; recalled, not read
 * here). Modelled as a violation: fail closed.
 */
export const rule: TemplateRule = {
    name: "k8spsphostfilesystem",
    kind: "K8sPSPHostFilesystem",
    engine: "K8sNativeValidation",
    libraryVersion: "1.1.2",
    description: "hostPath volumes only under allowed prefixes, read-only where required (gatekeeper-library k8spsphostfilesystem).",
    parameterSchema: {
        type: "object",
        properties: {
            allowedHostPaths: {
                type: "array",
                items: { type: "object", properties: { pathPrefix: { type: "string" }, readOnly: { type: "boolean" } } },
            },
        },
    },
    evaluate(review, params) {
        if (review.operation === "UPDATE") {
            return [];
        }
        const object = review.object ?? {};
        const allowedPaths: AllowedHostPath[] = Array.isArray(params.allowedHostPaths) ? params.allowedHostPaths : [];
        const containers = containersIn(object, ALL_CONTAINER_FIELDS).map(({ container }) => container);
        const volumes: Record<string, any>[] = Array.isArray(object.spec?.volumes) ? object.spec.volumes.filter((v: any) => v && v.hostPath) : [];
        const bad: string[] = [];
        for (const volume of volumes) {
            const path = String(volume.hostPath.path);
            let evaluationError = false;
            const admitted =
                allowedPaths.length > 0 &&
                allowedPaths.some((allowed) => {
                    if (!path.startsWith(allowed.pathPrefix)) {
                        return false;
                    }
                    if (allowed.readOnly !== true) {
                        return true;
                    }
                    const writable = containers.some((c) => {
                        if (!Array.isArray(c.volumeMounts)) {
                            evaluationError = true;
                            return false;
                        }
                        return c.volumeMounts.some((m: any) => m.name === volume.name && m.readOnly !== true);
                    });
                    return !writable;
                });
            if (evaluationError) {
                bad.push(`CEL evaluation error: no such key: volumeMounts (hostPath volume ${volume.name})`);
            } else if (!admitted) {
                const allowedText = allowedPaths.map((p) => `${p.pathPrefix}, readOnly: ${p.readOnly ? "true" : "false"}}`).join(", ");
                bad.push(`HostPath volume { hostPath: { path : ${path} }, name: ${volume.name}} is not allowed, pod: ${object.metadata?.name}. Allowed path: ${allowedText}`);
            }
        }
        return bad.length > 0 ? [bad.join("\n")] : [];
    },
};

export const policy = gatekeeperPolicy(rule);
