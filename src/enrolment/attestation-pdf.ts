import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { create as createQrCode } from 'qrcode';
import type { Attestation } from './attestation.entity';

/** What the printed attestation states, and where its QR code and footer send a reader. */
export interface AttestationSheet {
  attestation: Pick<Attestation, 'code' | 'holderName' | 'trainingTitle' | 'partnerName' | 'durationMinutes' | 'issuedAt'>;
  /** The front end's page for this code (`APP_URL/attestations/CODE`), as in the attestation e-mail: the QR code's target. */
  verificationUrl: string;
  /** The issuer named in the signed credential (`PUBLIC_URL`), whose keys are at `/.well-known/jwks.json`. */
  issuerUrl: string;
}

/**
 * DejaVu Sans (Bitstream Vera licence, DejaVu changes public domain), embedded as a subset: the
 * standard 14 PDF fonts are not embedded and cover only WinAnsi, so `Œ`, `’` or `ŀ` would not print.
 * Read once, from the npm package, never from the network.
 */
let fonts: { regular: Buffer; bold: Buffer } | null = null;
function dejaVu(): { regular: Buffer; bold: Buffer } {
  fonts ??= {
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return fonts;
}

const FRENCH_LONG_DATE = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });

/** « 1er mars 2027 », « 30 novembre 2026 »: the day in Paris, the first of the month as French writes it. */
export function frenchLongDate(date: Date): string {
  return FRENCH_LONG_DATE.format(date).replace(/^1 /, '1er ');
}

const plural = (count: number, unit: string) => `${count} ${unit}${count > 1 ? 's' : ''}`;

/** « 7 heures », « 1 heure et 30 minutes », « 45 minutes ». */
export function frenchDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return plural(rest, 'minute');
  return rest === 0 ? plural(hours, 'heure') : `${plural(hours, 'heure')} et ${plural(rest, 'minute')}`;
}

/** The code as printed for people: four groups of four (any case and dashes are accepted back). */
export const groupedCode = (code: string): string => code.match(/.{1,4}/g)!.join('-');

const INK = '#161616';
const MUTED = '#555555';
/** Bleu France, the State's brand colour. */
const BLUE = '#000091';
const MARGIN = 56;
const QR_SIZE = 120;

/** The QR code's dark modules as filled squares (vector, so it prints sharp at any size). */
function drawQrCode(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  // Level M survives a crease or a smudge on a printed page; 4 modules of quiet zone, as ISO/IEC 18004 asks.
  const { modules } = createQrCode(text, { errorCorrectionLevel: 'M' });
  const quiet = 4;
  const module = size / (modules.size + 2 * quiet);
  doc.save().rect(x, y, size, size).fill('#ffffff');
  for (let row = 0; row < modules.size; row += 1) {
    for (let col = 0; col < modules.size; col += 1) {
      if (modules.data[row * modules.size + col]) doc.rect(x + (quiet + col) * module, y + (quiet + row) * module, module, module);
    }
  }
  doc.fill(INK).restore();
}

/** Bold, centred, at the largest size from `maxSize` down to `minSize` that fits the box. */
function fitted(doc: PDFKit.PDFDocument, text: string, box: { maxSize: number; minSize: number; y: number; width: number; height: number }): void {
  const options = { width: box.width, align: 'center' as const };
  let size = box.maxSize;
  doc.font('bold').fillColor(INK);
  while (size > box.minSize && doc.fontSize(size).heightOfString(text, options) > box.height) size -= 1;
  doc.fontSize(size).text(text, MARGIN, box.y, { ...options, height: box.height, ellipsis: true });
}

/**
 * One A4 page in French stating the attestation, with its code and a QR code to its verification.
 * The document is a readable stream: pipe it to the response; nothing is held beyond the page.
 */
export function attestationPdf({ attestation, verificationUrl, issuerUrl }: AttestationSheet): PDFKit.PDFDocument {
  const { regular, bold } = dejaVu();
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    lang: 'fr-FR',
    displayTitle: true,
    info: {
      Title: `Attestation de formation : ${attestation.trainingTitle}`,
      Author: 'Mentor',
      Subject: `Attestation ${attestation.code}`,
      Creator: 'Mentor',
      CreationDate: attestation.issuedAt,
    },
  });
  doc.registerFont('regular', regular);
  doc.registerFont('bold', bold);
  const width = doc.page.width - 2 * MARGIN;
  const bottom = doc.page.height - MARGIN;

  doc.rect(MARGIN, MARGIN, 6, 48).fill(BLUE);
  doc.fillColor(INK).font('bold').fontSize(16).text('Mentor', MARGIN + 16, MARGIN + 4);
  doc.font('regular').fontSize(9).fillColor(MUTED).text('Plateforme interministérielle de formation en ligne', MARGIN + 16, MARGIN + 26);

  doc.fillColor(BLUE).font('bold').fontSize(26).text('Attestation de formation', MARGIN, MARGIN + 80, { width, align: 'center' });
  const line = (text: string, gap: number) => doc.font('regular').fillColor(INK).fontSize(12).text(text, MARGIN, doc.y + gap, { width, align: 'center' });
  line('Il est attesté que', 24);
  // Each statement has a box of its own: a long name, title or partner is printed smaller, never cut
  // short by a second page, and the QR block below stays where it is.
  fitted(doc, attestation.holderName, { maxSize: 20, minSize: 11, y: doc.y + 8, width, height: 70 });
  line('a suivi la formation', 10);
  fitted(doc, attestation.trainingTitle, { maxSize: 16, minSize: 9, y: doc.y + 8, width, height: 100 });
  line(`proposée par ${attestation.partnerName}`, 8);

  let y = doc.y + 24;
  const facts: [string, string][] = [
    ...(attestation.durationMinutes ? [['Durée', frenchDuration(attestation.durationMinutes)] as [string, string]] : []),
    ['Formation terminée le', frenchLongDate(attestation.issuedAt)],
  ];
  for (const [label, value] of facts) {
    // Label and value centred together by hand: pdfkit's `continued` text does not centre a mixed line.
    const labelWidth = doc.font('regular').fontSize(11).widthOfString(`${label} : `);
    const x = MARGIN + (width - labelWidth - doc.font('bold').widthOfString(value)) / 2;
    doc.font('regular').fillColor(MUTED).text(`${label} : `, x, y, { lineBreak: false });
    doc.font('bold').fillColor(INK).text(value, x + labelWidth, y, { lineBreak: false });
    y += 18;
  }

  const blockTop = bottom - QR_SIZE - 80;
  doc.moveTo(MARGIN, blockTop - 20).lineTo(MARGIN + width, blockTop - 20).lineWidth(0.5).stroke('#dddddd');
  drawQrCode(doc, verificationUrl, MARGIN, blockTop, QR_SIZE);
  const textX = MARGIN + QR_SIZE + 20;
  const textWidth = width - QR_SIZE - 20;
  doc.font('regular').fillColor(MUTED).fontSize(10).text('Code de vérification', textX, blockTop + 8, { width: textWidth });
  doc.font('bold').fillColor(INK).fontSize(18).text(groupedCode(attestation.code), { width: textWidth, characterSpacing: 1 });
  doc.moveDown(0.5).font('regular').fillColor(MUTED).fontSize(9)
    .text('Pour vérifier cette attestation, scannez le code QR ou ouvrez :', { width: textWidth })
    .fillColor(BLUE).text(verificationUrl, { width: textWidth, link: verificationUrl, underline: false });

  // A bounded box, so that a long PUBLIC_URL is cut rather than starting a second page.
  doc.font('regular').fillColor(MUTED).fontSize(8).text(
    'Attestation délivrée par Mentor et signée électroniquement (Open Badges 3.0, ES256) ; informations au jour de sa délivrance.\n' +
      `Clés publiques de l’émetteur : ${issuerUrl}/.well-known/jwks.json`,
    MARGIN, bottom - 30, { width, align: 'center', height: 30, ellipsis: true },
  );
  doc.end();
  return doc;
}
