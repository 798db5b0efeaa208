import { createParser } from 'css-selector-parser';
import MarkdownIt from 'markdown-it';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Rules for the FAQ's and the tour's texts. They are stored as Markdown (CommonMark with GFM tables
 * and strikethrough, as markdown-it reads it) and rendered by the front end: no HTML is ever stored,
 * so that no renderer setting can turn an entry into markup or script.
 */

// `html: true` so that raw HTML is recognised as such (not taken for text), exactly where CommonMark
// sees it: `<div>` in a code span is code, `a < b` is text, `<https://…>` is an autolink.
const markdown = new MarkdownIt('default', { html: true, linkify: false });
// Every link destination becomes a token, so that the schemes below are checked on all of them.
markdown.validateLink = () => true;

/** Link schemes a Markdown link may use; relative links (no scheme) are allowed too. */
const LINK_SCHEMES = new Set(['http', 'https', 'mailto', 'tel']);

const HTML_REFUSED = 'Le HTML n’est pas accepté : rédigez en Markdown (**gras**, *italique*, [lien](https://…), listes avec « - »).';
const LINK_REFUSED = 'Lien refusé : en Markdown, un lien mène à une adresse http(s), mailto: ou tel:, ou à une page du site.';

function schemeOf(url: string): string | null {
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    // a malformed escape: judge the text as it is
  }
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
  const cleaned = decoded.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
  return /^([a-z][a-z0-9+.-]*):/.exec(cleaned)?.[1] ?? null;
}

type Token = MarkdownIt.Token;

function* walk(tokens: readonly Token[]): Generator<Token> {
  for (const token of tokens) {
    yield token;
    if (token.children) yield* walk(token.children);
  }
}

/** Why a Markdown text is refused (raw HTML, a link of a refused scheme), or null when it is fine. */
function markdownProblem(text: string): string | null {
  const env: MarkdownIt.Env = {};
  const tokens = markdown.parse(text, env);
  const links: string[] = Object.values(env.references ?? {}).map(reference => reference.href);
  for (const token of walk(tokens)) {
    if (token.type === 'html_block' || token.type === 'html_inline') return HTML_REFUSED;
    if (token.type === 'link_open') links.push(String(token.attrGet('href') ?? ''));
    if (token.type === 'image') links.push(String(token.attrGet('src') ?? ''));
  }
  return links.some(link => {
    const scheme = schemeOf(link);
    return scheme !== null && !LINK_SCHEMES.has(scheme);
  })
    ? LINK_REFUSED
    : null;
}

/** A Markdown text without raw HTML and without `javascript:` (or any other non-web) links. */
export function IsSafeMarkdown(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSafeMarkdown',
      validator: {
        validate: value => typeof value === 'string' && markdownProblem(value) === null,
        defaultMessage: args => (typeof args?.value === 'string' ? (markdownProblem(args.value) ?? HTML_REFUSED) : HTML_REFUSED),
      },
    },
    options,
  );
}

// Selectors Level 4 as browsers parse them; strict: an unclosed `[attr=value` is refused, not repaired.
const parseSelector = createParser({ syntax: 'latest', strict: true });

function isCssSelector(value: string): boolean {
  try {
    parseSelector(value);
    return true;
  } catch {
    return false;
  }
}

/** A CSS selector that parses (Selectors Level 4), e.g. `#catalogue-search` or `[data-tour="search"]`. */
export function IsCssSelector(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isCssSelector', validator: { validate: value => typeof value === 'string' && isCssSelector(value) } }, options);
}

/**
 * A front-end route: starts with one "/", then the characters of a URL path (RFC 3986 `pchar`,
 * parameters written `:slug`, or `[slug]` as some routers do); no space, no query, no fragment.
 */
export const ROUTE_PATTERN = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@%/[\]]*$/;

/** Letters (any script), digits, spaces and a little punctuation; starts with a letter or digit. */
export const CATEGORY_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}\p{M} '’&,.()/-]*$/u;

/** What every text of the FAQ and the tour goes through before its rules: trimmed; a category's inner spaces collapsed. */
export const trimmed = (value: string): string => value.trim();
export const collapsed = (value: string): string => value.trim().replace(/\s+/g, ' ');
