import { createHash } from "crypto";

/**
 * Identifies a JSON schema by its content. A precompiled validator records the
 * fingerprint of the schema it was generated from, and is used only for a schema
 * with the same fingerprint: an edited schema whose validator was not regenerated
 * is compiled at run time instead of being checked by the stale code.
 */
export function schemaFingerprint(schema: unknown): string {
    return createHash("sha256").update(JSON.stringify(schema)).digest("hex");
}
