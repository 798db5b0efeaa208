/**
 * Runs a whole transaction again (up to `attempts` times in all) when it failed in a way that
 * running it again from the start may cure; any other failure is thrown at once.
 */
export async function retryWhen<T>(retryable: (error: unknown) => boolean, transaction: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (attempt >= attempts || !retryable(error)) throw error;
    }
  }
}

/** PostgreSQL aborted the transaction to break a deadlock (SQLSTATE 40P01): safe to run again. */
export const isDeadlock = (error: unknown): boolean => (error as { code?: string } | null)?.code === '40P01';
