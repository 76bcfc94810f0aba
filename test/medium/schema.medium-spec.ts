import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase } from '../utils/databases';

interface FieldSpec {
  model: string;
  table: string;
  column: string;
  optional: boolean;
}

/** Scalar fields of schema.prisma with their table and column names (our schema's style only). */
function parseSchema(): FieldSpec[] {
  const schema = readFileSync(join(__dirname, '..', '..', 'prisma', 'schema.prisma'), 'utf8');
  const enums = new Set([...schema.matchAll(/^enum (\w+) \{/gm)].map((match) => match[1]));
  const models = [...schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)];
  const modelNames = new Set(models.map((match) => match[1]));
  return models.flatMap(([, model, body]) => {
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? model;
    return body
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^\w+\s+\w+/.test(line) && !line.startsWith('@@'))
      .map((line) => {
        const [name, type] = line.split(/\s+/);
        return { name, type, line };
      })
      .filter(({ type }) => {
        const base = type.replace(/[?[\]]/g, '');
        return !modelNames.has(base) || enums.has(base);
      })
      .filter(({ type }) => !type.endsWith('[]'))
      .map(({ name, type, line }) => ({
        model,
        table,
        column: /@map\("([^"]+)"\)/.exec(line)?.[1] ?? name,
        optional: type.endsWith('?'),
      }));
  });
}

describe('schema.prisma and the hand-written migrations agree', () => {
  it('has a column of matching nullability for every model field', async () => {
    const database = await createTestDatabase();
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string; column_name: string; is_nullable: string }>(
        `SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
      );
      const columns = new Map(rows.map((row) => [`${row.table_name}.${row.column_name}`, row.is_nullable === 'YES']));
      const fields = parseSchema();
      expect(fields.length).toBeGreaterThan(30);
      const problems = fields.flatMap((field) => {
        const nullable = columns.get(`${field.table}.${field.column}`);
        if (nullable === undefined) {
          return [`${field.model}.${field.column}: no column ${field.table}.${field.column}`];
        }
        return nullable === field.optional ? [] : [`${field.model}.${field.column}: nullability differs`];
      });
      expect(problems).toEqual([]);
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
