// Types of parameterValidators.js, which `npm run validators` (scripts/validators.ts) generates.
import type { ErrorObject } from "ajv";

/** By constraint kind: the precompiled validator of the template's parameter schema, and that schema's fingerprint. */
export declare const PARAMETER_VALIDATORS: Record<string, { fingerprint: string; validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null } }>;
