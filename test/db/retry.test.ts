import { isDeadlock, retryWhen } from '../../src/db/retry';

const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

test('a transaction that failed in a retryable way runs again, up to the attempts given', async () => {
  let calls = 0;
  await expect(retryWhen(isDeadlock, async () => (++calls < 3 ? Promise.reject(deadlock()) : 'done'))).resolves.toBe('done');
  expect(calls).toBe(3);

  calls = 0;
  await expect(retryWhen(isDeadlock, async () => (++calls, Promise.reject(deadlock())), 2)).rejects.toMatchObject({ code: '40P01' });
  expect(calls).toBe(2);
});

test('any other failure is thrown at once', async () => {
  let calls = 0;
  const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
  await expect(retryWhen(isDeadlock, async () => (++calls, Promise.reject(unique)))).rejects.toBe(unique);
  expect(calls).toBe(1);
  expect(isDeadlock(null)).toBe(false);
});
