import { ValidationError } from 'class-validator';

/** Request validation failed; the API renders the field map in the shape its route prescribes. */
export class RequestValidationError extends Error {
  constructor(readonly fields: Record<string, string[]>) {
    super(
      Object.entries(fields)
        .map(([field, messages]) => `${field}: ${messages.join(' ')}`)
        .join('; '),
    );
  }

  static fromClassValidator(errors: ValidationError[]): RequestValidationError {
    const fields: Record<string, string[]> = {};
    const walk = (list: ValidationError[], path: string) => {
      for (const error of list) {
        const key = path ? `${path}.${error.property}` : error.property;
        if (error.constraints) {
          // The first constraint is the most specific for our decorators (required before type).
          fields[key] = [...new Set(Object.values(error.constraints).reverse())].slice(0, 1);
        }
        walk(error.children ?? [], key);
      }
    };
    walk(errors, '');
    return new RequestValidationError(fields);
  }

  get firstMessage(): string {
    const [field, messages] = Object.entries(this.fields)[0] ?? ['body', ['Invalid request.']];
    return messages[0].toLowerCase().includes(field.toLowerCase()) ? messages[0] : `${field}: ${messages[0]}`;
  }
}
