/** Text for HTML element content and quoted attribute values: `& < > " '` become entities. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON that is safe inside an HTML <script> element: `<`, `>` and `&` become \u escapes (no `</script>`, no `<!--`),
 * as do U+2028/U+2029 (line terminators in older JavaScript). JSON.parse reads it back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Anything a replacement of escapeMarkdown could change (`www.` tested without its word boundary: a superset). */
const NEEDS_ESCAPE = /[\r\n\u2028\u2029&<>\\`*_[\]#|~!]|:\/\/|www\./i;

/**
 * Markdown text from untrusted strings: HTML-significant characters become entities (Markdown renderers pass raw
 * HTML through), inline Markdown punctuation is backslash-escaped and autolinks (`://`, `www.`) are broken, so a
 * label can inject neither markup nor links. Line breaks become spaces (a label must not start a new block); the
 * callers never put escaped text at the start of a line, so block markers (`-`, `+`, `1.`) need no escaping.
 */
export function escapeMarkdown(value: unknown): string {
  const text = String(value ?? '');
  // Most text (times, amounts, chain names) has nothing to escape: one test instead of seven replacements.
  return NEEDS_ESCAPE.test(text) ? markdownReplacements(text) : text;
}

/** escapeMarkdown's replacements, each applied to the whole text (exported for the test of its shortcut). */
export function markdownReplacements(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]#|~!]/g, (c) => `\\${c}`)
    .replace(/:\/\//g, '\\://')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\\.`);
}

/** An inline code span for hashes and addresses; anything with a backtick, pipe or line break falls back to escaped text. */
export function markdownCode(value: string): string {
  return /[`\r\n|]/.test(value) || value.length === 0 ? escapeMarkdown(value) : `\`${value}\``;
}

/** A safe file-name part from an untrusted name: lowercase ASCII letters, digits and dashes, at most 60 characters. */
export function slug(value: string): string {
  const s = value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return s || 'unnamed';
}
