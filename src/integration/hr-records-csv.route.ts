import type { HttpRoute } from '../http/http-route';
import { streamToClient } from '../http/stream-to-client';
import { HttpError } from '../http/request-body';
import { csvLine, UTF8_BOM, type CsvCell } from './csv-line';
import { hrPartner, settledUntil, streamHrRecords } from './hr-records.service';
import type { HrRecord } from './hr-records.types';

/** French column names, as the HR correspondent's spreadsheet shows them; the order of `HrRecord`'s fields. */
export const HR_CSV_HEADER = ['Inscription', 'Agent', 'Courriel', 'Formation', 'Partenaire de la formation', 'Durée (minutes)', 'Terminée le', 'Code d’attestation'];

const cellsOf = (record: HrRecord): CsvCell[] => [
  record.enrolmentId,
  record.agentName,
  record.agentEmail,
  record.trainingTitle,
  record.partnerName,
  record.durationMinutes,
  record.completedAt.toISOString(),
  record.attestationCode,
];

export const HR_RECORDS_UNTIL = 'hr-records-until';

/** A date (midnight UTC) or an ISO 8601 date and time to the millisecond (UTC when it names no offset). */
const SINCE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseSince(value: string | null): Date | null {
  if (value === null || value === '') return null;
  const withZone = value.includes('T') && !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value}Z` : value;
  const since = new Date(withZone);
  if (!SINCE.test(value) || Number.isNaN(since.getTime())) throw new HttpError(400, '`since` : une date ISO 8601 est attendue (2026-01-01 ou 2026-01-01T02:00:00Z).');
  return since;
}

/** The file: a BOM and the header row, then a chunk of lines per batch of records. */
async function* csvOf(batches: AsyncIterable<HrRecord[]>): AsyncGenerator<string> {
  yield UTF8_BOM + csvLine(HR_CSV_HEADER);
  for await (const batch of batches) yield batch.map(record => csvLine(cellsOf(record))).join('');
}

/**
 * `GET /hr/records.csv?partner=maa&since=2026-01-01`: what `hrRecords` lists, as RFC 4180 CSV for a
 * French spreadsheet (UTF-8 with a BOM, `;`, CRLF, a header row, formulas neutralised), streamed
 * in keyset batches: 100,000 rows hold no more memory than one batch. The records are those completed
 * in [since, until), `until` (the `hr-records-until` header) being what is settled when it starts.
 */
export const hrRecordsCsvRoute: HttpRoute = {
  method: 'GET',
  path: /^\/hr\/records\.csv$/,
  // A night's export may read 100,000 records: it costs what a large GraphQL page does.
  points: 10,
  async handle({ res, url, context }) {
    const ctx = context();
    const partner = await hrPartner(ctx, url.searchParams.get('partner') ?? '');
    const since = parseSince(url.searchParams.get('since'));
    const until = await settledUntil(ctx);
    res.statusCode = 200;
    res.setHeader('content-type', 'text/csv; charset=utf-8; header=present');
    res.setHeader('content-disposition', `attachment; filename="mentor-dossiers-rh-${partner.slug}.csv"`);
    res.setHeader('cache-control', 'private, no-store');
    // Every record completed before this instant (and from `since`) is in this file, none after it: the next run's `since`.
    res.setHeader(HR_RECORDS_UNTIL, until.toISOString());
    await streamToClient(csvOf(streamHrRecords(ctx, partner.id, since, until)), res);
  },
};
