/**
 * The text encoding of an order import file. A byte-order mark decides: UTF-8, UTF-16 LE or
 * UTF-16 BE (the mark wins over a chosen encoding, it cannot be wrong). Without one the file is
 * read as the encoding the caller chose (`latin1` or `windows-1252`, which WHATWG decoders treat
 * alike), else as strict UTF-8: an invalid UTF-8 byte, or a NUL (UTF-16 without its mark), refuses
 * the whole file with a message that names it and how to choose the encoding (`--encoding` for the
 * CLI, `?encoding=` over HTTP). Nothing is ever read with replacement characters, so a misread name
 * is never stored.
 */
export const IMPORT_ENCODINGS = ['latin1', 'windows-1252'] as const;
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number];

export const isImportEncoding = (s: string): s is ImportEncoding => (IMPORT_ENCODINGS as readonly string[]).includes(s);

/** The file cannot be decoded as text; its message is meant for the operator. */
export class EncodingProblem extends Error {}

interface Choice { label: string; bomless: boolean }

function choose(head: Uint8Array, encoding?: ImportEncoding): Choice {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { label: 'utf-8', bomless: false };
  if (head[0] === 0xff && head[1] === 0xfe) return { label: 'utf-16le', bomless: false };
  if (head[0] === 0xfe && head[1] === 0xff) return { label: 'utf-16be', bomless: false };
  return { label: encoding ?? 'utf-8', bomless: !encoding };
}

/** How the caller names the choice of an encoding in a refusal: `--encoding ` (the CLI's option) or `?encoding=` (HTTP). */
export type EncodingOption = '--encoding ' | '?encoding=';

function refusal(file: string, why: string, option: EncodingOption): EncodingProblem {
  const options = IMPORT_ENCODINGS.map((e) => `${option}${e}`).join(' or ');
  return new EncodingProblem(`${file} is not UTF-8 text (${why}): save it as UTF-8, or if it is Latin-1 / Windows-1252 pass ${options}`);
}

/** Decodes a stream of file bytes chunk by chunk; throws EncodingProblem at the first bad byte. */
export async function* decodeChunks(
  bytes: AsyncIterable<Buffer | string>, file: string, encoding?: ImportEncoding, option: EncodingOption = '--encoding ',
): AsyncGenerator<string> {
  let head = Buffer.alloc(0);
  let decoder: InstanceType<typeof TextDecoder> | undefined;
  let strict = false;
  let label = 'utf-8';
  const decode = (buf: Uint8Array, stream: boolean): string => {
    let text: string;
    try {
      text = decoder!.decode(buf, { stream });
    } catch {
      throw refusal(file, `it holds a byte sequence that is not valid ${label}`, option);
    }
    if (strict && text.includes('\u0000')) throw refusal(file, 'it holds NUL bytes; UTF-16 needs a byte-order mark', option);
    return text;
  };
  const start = () => {
    const c = choose(head, encoding);
    decoder = new TextDecoder(c.label, { fatal: true });
    strict = c.bomless;
    label = c.label;
  };
  for await (const chunk of bytes) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (!decoder) {
      head = Buffer.concat([head, buf]);
      if (head.length < 3) continue;
      start();
      yield decode(head, true);
      continue;
    }
    yield decode(buf, true);
  }
  if (!decoder) { start(); yield decode(head, true); }
  yield decode(new Uint8Array(0), false);
}

/** Decodes a whole file's bytes (JSON). */
export function decodeBytes(bytes: Buffer, file: string, encoding?: ImportEncoding, option: EncodingOption = '--encoding '): string {
  const c = choose(bytes, encoding);
  let text: string;
  try {
    text = new TextDecoder(c.label, { fatal: true }).decode(bytes);
  } catch {
    throw refusal(file, `it holds a byte sequence that is not valid ${c.label}`, option);
  }
  if (c.bomless && text.includes('\u0000')) throw refusal(file, 'it holds NUL bytes; UTF-16 needs a byte-order mark', option);
  return text;
}
