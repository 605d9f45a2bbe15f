// Types of falcoRulesSchemaValidator.js, which `npm run validators` (scripts/validators.ts) generates.
import type { ErrorObject } from "ajv";

/** The Falco rules schema (components/rules/schema.ts), precompiled. */
export declare const validateFalcoRules: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
/** Fingerprint of the schema the validator was generated from. */
export declare const FALCO_RULES_SCHEMA_FINGERPRINT: string;
