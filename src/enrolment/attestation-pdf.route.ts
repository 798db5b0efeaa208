import type { HttpRoute } from '../http/http-route';
import { HttpError } from '../http/request-body';
import { streamToClient } from '../http/stream-to-client';
import { attestationPdf } from './attestation-pdf';
import { verifyAttestation } from './attestation.service';

/**
 * `GET /attestations/:code.pdf`: public, like `verifyAttestation` — the code is the secret. Only an
 * attestation that verifies is printed; an unknown, malformed, altered or revoked one is 404.
 */
export const attestationPdfRoute: HttpRoute = {
  method: 'GET',
  path: /^\/attestations\/([^/]+)\.pdf$/i,
  async handle({ res, params, context }) {
    const ctx = context();
    const { valid, attestation } = await verifyAttestation(ctx, decodedOrEmpty(params[0]));
    if (!valid || !attestation) throw new HttpError(404, 'Aucune attestation ne porte ce code.');
    const { code } = attestation;
    const document = attestationPdf({
      attestation,
      verificationUrl: `${ctx.appUrl}/attestations/${encodeURIComponent(code)}`,
      issuerUrl: ctx.attestationIssuer.url,
    });
    res.statusCode = 200;
    res.setHeader('content-type', 'application/pdf');
    res.setHeader('content-disposition', `inline; filename="attestation-${code}.pdf"`);
    // What it states never changes, but it names a person: browsers may keep it an hour, shared caches never.
    res.setHeader('cache-control', 'private, max-age=3600');
    res.setHeader('x-content-type-options', 'nosniff');
    await streamToClient(document, res);
  },
};

/** The path segment as typed (`%20` and the like decoded); a malformed escape is no code at all. */
function decodedOrEmpty(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}
