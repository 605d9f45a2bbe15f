import type { K8sObject } from "./types";

export type ContainerField = "containers" | "initContainers" | "ephemeralContainers";

/** The containers of an object's `spec` under the given fields, in template order. */
export function containersIn(object: K8sObject, fields: readonly ContainerField[]): { field: ContainerField; container: Record<string, any> }[] {
    const spec = object?.spec;
    if (typeof spec !== "object" || spec === null) {
        return [];
    }
    return fields.flatMap((field) =>
        Array.isArray(spec[field]) ? spec[field].filter((c: unknown) => typeof c === "object" && c !== null).map((container: Record<string, any>) => ({ field, container })) : [],
    );
}

export const ALL_CONTAINER_FIELDS: readonly ContainerField[] = ["containers", "initContainers", "ephemeralContainers"];
/** The resource templates skip ephemeral containers: they cannot set resources. */
export const RESOURCE_CONTAINER_FIELDS: readonly ContainerField[] = ["containers", "initContainers"];

/** The exemptImages parameter's schema, shared by every template that has it. */
export const EXEMPT_IMAGES_SCHEMA = { type: "array", items: { type: "string" } } as const;
