import { vectorLiteral } from './vector';

describe('vectorLiteral', () => {
  it('writes each component in steps of 1e-8, read back within half a step', () => {
    const vector = [0.123456789, -0.5, 0, 1, -3.2e-9, 0.0000000149];
    const literal = vectorLiteral(vector);
    expect(literal).toBe('[12345679e-8,-50000000e-8,0e-8,100000000e-8,0e-8,1e-8]');
    const parsed = literal.slice(1, -1).split(',').map(Number);
    parsed.forEach((component, index) => expect(Math.abs(component - vector[index])).toBeLessThanOrEqual(5e-9));
  });

  it('writes long vectors and components far outside a unit vector the same way', () => {
    const steps = (vector: number[]) => `[${vector.map((component) => `${Math.round(component * 1e8)}e-8`).join(',')}]`;
    const long = Array.from({ length: 2000 }, (_, index) => Math.sin(index) / (1 + (index % 7)));
    expect(vectorLiteral(long)).toBe(steps(long));
    expect(vectorLiteral([12345.678, -0.25])).toBe('[1234567800000e-8,-25000000e-8]');
    const imported = [12345.678, -9.99e8, 0.5];
    expect(vectorLiteral(imported)).toBe(steps(imported));
    expect(vectorLiteral(imported)).toBe('[1234567800000e-8,-99900000000000000e-8,50000000e-8]');
  });

  it('writes an empty vector as an empty list', () => {
    expect(vectorLiteral([])).toBe('[]');
  });
});
