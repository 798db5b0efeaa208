import { createHash, timingSafeEqual } from 'node:crypto';
import type { HttpRoute } from './http-route';
import type { ApiMetrics } from './metrics';
import { HttpError } from './request-body';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `GET /metrics`: Prometheus's text format. With METRICS_TOKEN, only for `Authorization: Bearer
 * <token>`, compared in constant time (as digests, so that not even the length leaks).
 */
export function metricsRoute(metrics: ApiMetrics, token: string | null): HttpRoute {
  const expected = token === null ? null : digest(token);
  return {
    method: 'GET',
    path: /^\/metrics$/,
    points: 0,
    async handle({ req, res }) {
      if (expected !== null) {
        const given = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
        if (!timingSafeEqual(digest(given), expected)) {
          res.setHeader('www-authenticate', 'Bearer realm="metrics"');
          throw new HttpError(401, 'Metrics need the bearer token configured in METRICS_TOKEN', 'UNAUTHENTICATED');
        }
      }
      const { contentType, body } = await metrics.scrape();
      res.setHeader('content-type', contentType);
      res.setHeader('cache-control', 'no-store');
      res.end(body);
    },
  };
}
