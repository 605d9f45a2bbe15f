/**
 * The Falco fields this project's rules use, and where each comes from. A
 * field in a custom condition, exception or output that is not listed here is
 * refused: a misspelt field makes Falco refuse the whole rules file at start.
 * The list holds only the fields the project uses; to use another, check it in
 * Falco's field reference (`falco --list`) and add it here with its provider.
 *
 * Checked against upstream sources:
 * - libsinsp fields: every one is used by the upstream falco_rules 5.x that Falco
 *   0.43 loads (test/rules.upstream.test.ts checks this when ../shared/upstream is present);
 * - container plugin fields: declared in falcosecurity/plugins
 *   plugins/container/src/caps/extract/extract.cpp (`get_fields`); chart 8.0.1
 *   loads that plugin (collectors.containerEngine, container:0.6.1). The container
 *   plugin also marks container.id, container.name, container.image.repository,
 *   container.image.tag, k8s.pod.name and k8s.ns.name as suggested output fields.
 */
export type FieldProvider = "libsinsp" | "container plugin";

export const FALCO_FIELDS: Readonly<Record<string, FieldProvider>> = {
    "evt.type": "libsinsp",
    "proc.name": "libsinsp",
    "proc.exepath": "libsinsp",
    "proc.cmdline": "libsinsp",
    "proc.pname": "libsinsp",
    "proc.pcmdline": "libsinsp",
    "proc.tty": "libsinsp",
    "user.name": "libsinsp",
    "user.uid": "libsinsp",
    "user.loginuid": "libsinsp",
    "container.id": "container plugin",
    "container.name": "container plugin",
    "container.image.repository": "container plugin",
    "container.image.tag": "container plugin",
    "k8s.ns.name": "container plugin",
    "k8s.pod.name": "container plugin",
};

/** A field reference may carry an argument (`proc.aname[2]`); the field is the part before it. */
export function fieldName(reference: string): string {
    const bracket = reference.indexOf("[");
    return bracket < 0 ? reference : reference.slice(0, bracket);
}

export function isKnownField(reference: string): boolean {
    return Object.prototype.hasOwnProperty.call(FALCO_FIELDS, fieldName(reference));
}
