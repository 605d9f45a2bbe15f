import Ajv, { Options } from "ajv";
import draft06MetaSchema from "ajv/dist/refs/json-schema-draft-06.json";

/**
 * An ajv that reads draft-06 schemas, the draft Falco's rules schema declares.
 * `forStartup`: for the program's own constant schema, skip compiling ajv's default
 * draft-07 meta-schema and re-checking the schema against its meta-schema on every
 * preview; test/fastPreview.test.ts checks the schema against the draft-06
 * meta-schema once instead. `extra`: further ajv options (the validator generator
 * asks for the generated code). A module of its own, so that a preview that uses
 * the precompiled validator does not load ajv at all.
 */
export function draft06Ajv(forStartup = false, extra: Options = {}): Ajv {
    const ajv = new Ajv({ ...(forStartup ? { allErrors: true, strict: false, meta: false, validateSchema: false } : { allErrors: true, strict: false }), ...extra });
    ajv.addMetaSchema(draft06MetaSchema);
    return ajv;
}
