import { isExemptImage } from "./exemptImages";
import type { Engine, K8sObject } from "./types";

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

/**
 * The containers a template judges: those in `fields` whose image the template's
 * `exemptImages` parameter does not exempt, read the way the template's engine reads it.
 */
export function judgedContainers(object: K8sObject, fields: readonly ContainerField[], exemptImages: unknown, engine: Engine): Record<string, any>[] {
    return containersIn(object, fields)
        .map(({ container }) => container)
        .filter((container) => !isExemptImage(container.image, exemptImages, engine));
}

export const ALL_CONTAINER_FIELDS: readonly ContainerField[] = ["containers", "initContainers", "ephemeralContainers"];
/** The resource templates skip ephemeral containers: they cannot set resources. */
export const RESOURCE_CONTAINER_FIELDS: readonly ContainerField[] = ["containers", "initContainers"];

/** The exemptImages parameter's schema, shared by every template that has it. */
export const EXEMPT_IMAGES_SCHEMA = { type: "array", items: { type: "string" } } as const;
