import { ConfigError, loadConfig } from '../../src/config';

test('FILE_MAX_BYTES and FILE_QUOTA_BYTES: 25 MiB and 100 MiB by default', () => {
  expect(loadConfig({})).toMatchObject({ fileMaxBytes: 25 * 1024 * 1024, fileQuotaBytes: 100 * 1024 * 1024 });
  expect(loadConfig({ FILE_MAX_BYTES: '1048576', FILE_QUOTA_BYTES: ' 3145728 ' })).toMatchObject({ fileMaxBytes: 1048576, fileQuotaBytes: 3145728 });
});

test.each([
  ['FILE_MAX_BYTES', '0'],
  ['FILE_MAX_BYTES', '25MiB'],
  ['FILE_QUOTA_BYTES', '-1'],
  // Sizes are GraphQL Ints (User.storage).
  ['FILE_QUOTA_BYTES', String(2 ** 31)],
])('%s=%s is refused at start', (name, value) => {
  expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
});
