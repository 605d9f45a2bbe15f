/**
 * The JSON schema of a Falco 0.43 rules file, written for this project as a
 * TypeScript value. It expresses the constraints of the schema Falco 0.43.0
 * embeds (userspace/engine/rule_json_schema.h, printed by `falco --rule-schema`);
 * the program must validate at `pulumi preview` on machines where the upstream
 * copy in ../shared/upstream does not exist, and the project may not carry a
 * copy of that file. test/rules.schema.test.ts proves the two schemas accept
 * and reject the same documents on a corpus (every upstream rules file, every
 * fixture, and a generated set of one-key mutations).
 *
 * Falco itself only logs a warning when a file fails this schema; this program
 * treats a failure as an error, because every such file is a mistake.
 */

/** Keys of `override:` and the two merge modes Falco accepts for each. */
const OVERRIDABLE_KEYS = ["items", "desc", "condition", "output", "priority", "enabled", "exceptions"] as const;
const OVERRIDE_MODES = ["append", "replace"];

/** Priorities exactly as the schema spells them; Falco's loader accepts any case (see priorities.ts). */
export const SCHEMA_PRIORITIES = ["EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO", "INFORMATIONAL", "DEBUG"];

const pluginVersion = (extra: Record<string, unknown>) => ({
    type: "object",
    additionalProperties: false,
    required: ["name", "version"],
    properties: { name: { type: "string" }, version: { type: "string" }, ...extra },
});

export const FALCO_RULES_SCHEMA = {
    $schema: "http://json-schema.org/draft-06/schema#",
    // A rules file is a YAML sequence; each element is a rule, macro, list or a requirement.
    type: "array",
    items: { $ref: "#/definitions/item" },
    definitions: {
        item: {
            type: "object",
            additionalProperties: false,
            properties: {
                required_engine_version: { type: "string" },
                required_plugin_versions: {
                    type: "array",
                    items: pluginVersion({ alternatives: { type: "array", items: pluginVersion({}) } }),
                },
                rule: { type: "string" },
                macro: { type: "string" },
                list: { type: "string" },
                desc: { type: "string" },
                condition: { type: "string" },
                output: { type: "string" },
                priority: { type: "string", enum: SCHEMA_PRIORITIES },
                source: { type: "string" },
                tags: { type: "array", items: { type: "string" } },
                // List items: strings or integers (e.g. ports).
                items: { type: "array", items: { anyOf: [{ type: "integer" }, { type: "string" }] } },
                enabled: { type: "boolean" },
                append: { type: "boolean" },
                capture: { type: "boolean" },
                capture_duration: { type: "integer" },
                exceptions: {
                    type: "array",
                    items: {
                        type: "object",
                        additionalProperties: false,
                        required: ["name"],
                        // fields/comps/values may be a scalar or a list: the schema leaves them open.
                        properties: { name: { type: "string" }, fields: {}, comps: {}, values: {} },
                    },
                },
                override: {
                    type: "object",
                    additionalProperties: false,
                    minProperties: 1,
                    properties: Object.fromEntries(OVERRIDABLE_KEYS.map((key) => [key, { type: "string", enum: OVERRIDE_MODES }])),
                },
            },
        },
    },
} as const;
