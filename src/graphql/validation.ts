import { validate, type ValidationError } from 'class-validator';
import { DomainError, InvalidInput, type UserErrorCode } from './errors';

function failuresOf(errors: ValidationError[], path: string[]): DomainError[] {
  return errors.flatMap(error => {
    const field = [...path, error.property];
    // One failure per field, the first rule broken; a rule may name its own code (`context: { code }`).
    const own = Object.entries(error.constraints ?? {})
      .slice(0, 1)
      .map(([rule, message]) => new DomainError((error.contexts?.[rule]?.code as UserErrorCode | undefined) ?? 'VALIDATION', message, field));
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

  add(code: UserErrorCode, message: string, field: string[]): void {
    this.failures.push(new DomainError(code, message, field));
  }

  throwIfAny(): void {
    if (this.failures.length > 0) throw new InvalidInput(this.failures);
  }
}
