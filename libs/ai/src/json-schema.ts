import Ajv, { ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';

/** A caller's JSON Schema (export schemas come from API clients, e.g. a Pydantic `model_json_schema()`). */
export type JsonSchema = Record<string, unknown>;

/** Checks a value against a compiled schema: null when valid, else the first problem in words. */
export type SchemaCheck = (value: unknown) => string | null;

/** The schema itself is not valid JSON Schema; `message` says why. */
export class InvalidSchemaError extends Error {
  override name = 'InvalidSchemaError';
}

/* Older drafts are validated as draft-07 (their keywords are a subset in practice). */
const DRAFT_07 = /draft-0[4-7]/;
const DRAFT_2019 = /2019-09/;

/**
 * Compiles a schema with the draft it declares (draft 2020-12 when it declares none, as Pydantic's
 * output does). Formats are not checked (no format plugin), unknown keywords are ignored, and only
 * the first error is collected: schemas are untrusted input. `dataVar` names the value in the problem.
 */
export function compileJsonSchema(schema: JsonSchema, dataVar = 'export'): SchemaCheck {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  const options = { strict: false, validateFormats: false, logger: false as const, allErrors: false };
  // A fresh instance per schema: Ajv caches every compiled schema, and $ids would collide between callers.
  let ajv: Ajv;
  let input = schema;
  if (DRAFT_07.test(declared)) {
    ajv = new Ajv(options);
    input = { ...schema, $schema: undefined };
  } else if (DRAFT_2019.test(declared)) {
    ajv = new Ajv2019(options);
  } else {
    ajv = new Ajv2020(options);
    if (declared && !declared.includes('2020-12')) {
      input = { ...schema, $schema: undefined };
    }
  }
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(JSON.parse(JSON.stringify(input)) as JsonSchema);
  } catch (error) {
    throw new InvalidSchemaError(error instanceof Error ? error.message : String(error));
  }
  return (value) => (validate(value) ? null : ajv.errorsText(validate.errors, { dataVar }));
}
