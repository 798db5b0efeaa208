import { validate, type ValidationError } from 'class-validator';
import { DomainError, InvalidInput } from './errors';

function failuresOf(errors: ValidationError[], path: string[]): DomainError[] {
  return errors.flatMap(error => {
    const field = [...path, error.property];
    const own = Object.values(error.constraints ?? {}).slice(0, 1).map(message => new DomainError('VALIDATION', message, field));
    return [...own, ...failuresOf(error.children ?? [], field)];
  });
}

/** For `@ValidateIf`: a field required on creation, optional on update, where absent means unchanged but null is refused. */
export const present = (_: object, value: unknown): boolean => value !== undefined;

/**
 * Checks an input against its class-validator rules; every failing field becomes a VALIDATION
 * user error naming it (e.g. ["input", "title"]), one per field, before anything is read or written.
 */
export async function validateInput(input: object, path: string[]): Promise<void> {
  const failures = failuresOf(await validate(input, { forbidUnknownValues: false }), path);
  if (failures.length > 0) throw new InvalidInput(failures);
}

/** For rules that span fields or need the database: collects refusals and throws them together. */
export class Refusals {
  private readonly failures: DomainError[] = [];

  add(code: string, message: string, field: string[]): void {
    this.failures.push(new DomainError(code, message, field));
  }

  throwIfAny(): void {
    if (this.failures.length > 0) throw new InvalidInput(this.failures);
  }
}
