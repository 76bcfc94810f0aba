import { Body, Injectable, PipeTransform, Query } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';

/** One problem in FastAPI's (pydantic v2) validation-error format. */
export interface FieldProblem {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
}

/** A request the surfaces' schemas refuse; rendered as FastAPI's 422 or the Memory System's 400. */
export class SchemaValidationError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((problem) => `${problem.loc.join('.')}: ${problem.msg}`).join('; '));
  }

  /** A rule no schema keyword states (e.g. "text or messages"), as pydantic reports a model validator's. */
  static valueError(location: string, message: string, input: unknown): SchemaValidationError {
    return new SchemaValidationError([{ type: 'value_error', loc: [location], msg: `Value error, ${message}`, input }]);
  }
}

type Location = 'body' | 'query' | 'path';

const TYPE_PROBLEMS: Record<string, [string, string]> = {
  string: ['string_type', 'Input should be a valid string'],
  integer: ['int_type', 'Input should be a valid integer'],
  number: ['float_type', 'Input should be a valid number'],
  boolean: ['bool_type', 'Input should be a valid boolean'],
  object: ['dict_type', 'Input should be a valid dictionary'],
  array: ['list_type', 'Input should be a valid list'],
};

const strict = new Ajv({ allErrors: true, strict: false, useDefaults: true });
const coercing = new Ajv({ allErrors: true, strict: false, useDefaults: true, coerceTypes: true });

function problemOf(error: ErrorObject, location: Location, root: unknown): FieldProblem {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, '/').replace(/~0/g, '~')));
  const input = path.reduce<unknown>((value, key) => (value as Record<string | number, unknown>)?.[key], root);
  const loc = [location, ...path];
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { type: 'missing', loc: [...loc, String(params.missingProperty)], msg: 'Field required', input };
    case 'type': {
      const [type, msg] = TYPE_PROBLEMS[String(params.type).split(',')[0]] ?? ['type_error', 'Input has a wrong type'];
      const parsing = location !== 'body' && (type === 'int_type' || type === 'float_type');
      if (!parsing) {
        return { type, loc, msg, input };
      }
      const expected = type === 'int_type' ? 'an integer' : 'a number';
      return {
        type: type.replace('_type', '_parsing'),
        loc,
        msg: `${msg}, unable to parse string as ${expected}`,
        input,
      };
    }
    case 'minimum':
      return {
        type: 'greater_than_equal',
        loc,
        msg: `Input should be greater than or equal to ${params.limit}`,
        input,
      };
    case 'maximum':
      return { type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${params.limit}`, input };
    case 'minLength':
      return { type: 'string_too_short', loc, msg: `String should have at least ${params.limit} character`, input };
    case 'maxLength':
      return { type: 'string_too_long', loc, msg: `String should have at most ${params.limit} characters`, input };
    case 'minItems':
      return { type: 'too_short', loc, msg: `List should have at least ${params.limit} item`, input };
    case 'additionalProperties':
      return {
        type: 'extra_forbidden',
        loc: [...loc, String(params.additionalProperty)],
        msg: 'Extra inputs are not permitted',
        input: (input as Record<string, unknown> | undefined)?.[String(params.additionalProperty)],
      };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((value) => `'${String(value)}'`).join(' or ');
      return { type: 'enum', loc, msg: `Input should be ${allowed}`, input };
    }
    default:
      return { type: 'value_error', loc, msg: error.message ?? 'Invalid value', input };
  }
}

/**
 * Validates a body, query or path against a JSON Schema the way FastAPI does: every problem with its
 * location, query strings coerced to the declared types, defaults filled in, unknown keys kept.
 */
@Injectable()
export class RequestSchemaPipe implements PipeTransform {
  private readonly validate: ValidateFunction;

  constructor(
    schema: Record<string, unknown>,
    private readonly location: Location = 'body',
  ) {
    this.validate = (location === 'body' ? strict : coercing).compile(schema);
  }

  transform(value: unknown): unknown {
    if (this.location === 'body' && (value === undefined || value === null)) {
      throw new SchemaValidationError([{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);
    }
    if (this.location === 'body' && (typeof value !== 'object' || Array.isArray(value))) {
      const msg = 'Input should be a valid dictionary or object to extract fields from';
      throw new SchemaValidationError([{ type: 'model_attributes_type', loc: ['body'], msg, input: value }]);
    }
    const copy = structuredClone(value ?? {}) as Record<string, unknown>;
    if (!this.validate(copy)) {
      // Problems quote the input as sent, before defaults were filled in.
      const problems = (this.validate.errors ?? []).map((error) => problemOf(error, this.location, value ?? {}));
      throw new SchemaValidationError(problems);
    }
    return copy;
  }
}

type JsonSchema = Record<string, unknown>;

/** The body, validated against `schema`, which also documents it in the OpenAPI document. */
export function SchemaBody(schema: JsonSchema): ParameterDecorator {
  return (target, key, index) => {
    Body(new RequestSchemaPipe(schema, 'body'))(target, key!, index);
    ApiBody({ schema: schema as SchemaObject })(target, key!, Object.getOwnPropertyDescriptor(target, key!)!);
  };
}

/** The query string, coerced and validated against `schema`; each of its properties is documented. */
export function SchemaQuery(schema: JsonSchema): ParameterDecorator {
  return (target, key, index) => {
    Query(new RequestSchemaPipe(schema, 'query'))(target, key!, index);
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const descriptor = Object.getOwnPropertyDescriptor(target, key!)!;
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, SchemaObject>)) {
      ApiQuery({ name, required: required.has(name), schema: property })(target, key!, descriptor);
    }
  };
}
