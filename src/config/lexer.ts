/**
 * Splits dnsmasq-style config text into option lines (reference §6.1): one `name[=value]` per
 * line, whitespace around the name and `=` ignored, `#` at the start of a token begins a comment,
 * double quotes protect `#`, `,` and spaces. Pure: text in, lines out.
 */
import { ConfigError, type Origin } from '../errors.js';

/** One option line: the name, its raw value (quotes kept) or null for a bare flag, and its origin. */
export interface OptionLine {
  readonly name: string;
  readonly value: string | null;
  readonly origin: Origin;
}

/** Removes a comment that starts at a token boundary outside quotes; throws on an open quote. */
function stripComment(line: string, origin: Origin): string {
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && inQuote) {
      i++;
      continue;
    }
    if (c === '"') inQuote = !inQuote;
    else if (c === '#' && !inQuote && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) {
      return line.slice(0, i);
    }
  }
  if (inQuote) throw new ConfigError('FANDNS_CONFIG_SYNTAX', origin, 'missing closing " (quote)');
  return line;
}

/**
 * Lexes a whole file's text, one option line at a time: a block list of 200,000 lines is never
 * held as a second array of lines and their records. Line numbers are physical and 1-based; an
 * error is thrown when its line is reached.
 */
export function* lexConfig(text: string, file: string): Generator<OptionLine, void, undefined> {
  for (const [raw, n] of physicalLines(text)) {
    const line = lexLine(raw, { file, line: n });
    if (line !== null) yield line;
  }
}

/** The lines of `text` without their LF or CRLF ends, each with its 1-based number, one at a time. */
export function* physicalLines(text: string): Generator<[string, number], void, undefined> {
  for (let start = 0, n = 1; start <= text.length; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    yield [text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end), n];
    start = end + 1;
  }
}

/** Lexes one physical line (no newline in it): its option, or null for a blank or comment line. */
export function lexLine(raw: string, origin: Origin): OptionLine | null {
  const content = stripComment(raw.replace(/\t/g, ' '), origin).trim();
  if (content === '') return null;
  const eq = content.indexOf('=');
  if (eq < 0) return { name: content, value: null, origin };
  return { name: content.slice(0, eq).trim(), value: content.slice(eq + 1).trim(), origin };
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', t: '\t', n: '\n', r: '\r', b: '\b', e: '\x1b' };

/**
 * Splits a value on `sep` outside double quotes and removes the quotes, applying the escapes
 * dnsmasq knows inside them (\\ \" \t \n \r \b \e). Fields are trimmed unless quoted. An empty
 * `sep` never splits. With `max`, the last field is the rest of the value, separators and all
 * (as dnsmasq reads a caa-record value or dns-rr data).
 */
export function splitFields(value: string, sep = ',', max = Infinity): string[] {
  const fields: string[] = [];
  let cur = '';
  let inQuote = false;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (inQuote) {
      if (c === '\\' && i + 1 < value.length) {
        const e = value[++i]!;
        cur += ESCAPES[e] ?? e;
      } else if (c === '"') inQuote = false;
      else cur += c;
    } else if (c === '"') {
      inQuote = true;
      quoted = true;
    } else if (c === sep && fields.length < max - 1) {
      fields.push(quoted ? cur : cur.trim());
      cur = '';
      quoted = false;
    } else cur += c;
  }
  fields.push(quoted ? cur : cur.trim());
  return fields;
}

/**
 * A whole value with its quotes removed and their escapes applied, as dnsmasq does for every
 * option line (`server="127.0.0.1#5353"` is `server=127.0.0.1#5353`).
 */
export function unquote(value: string): string {
  return value.includes('"') ? splitFields(value, '')[0]! : value;
}
