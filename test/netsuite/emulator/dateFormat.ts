/**
 * The user's date format preference (Set Preferences > General > Date Format, read in SuiteScript
 * with `runtime.getCurrentUser().getPreference({name: 'DATEFORMAT'})`). NetSuite's CSV import reads
 * date columns in the importing user's format, and N/format formats and parses in it too.
 * Tokens: YYYY, MONTH (January), Mon (Jan), MM, M, DD, D; anything else is a literal.
 */
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

type Token = { kind: 'Y' | 'MONTH' | 'Mon' | 'MM' | 'M' | 'DD' | 'D' } | { kind: 'lit'; text: string };

function tokens(fmt: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < fmt.length) {
    const rest = fmt.slice(i);
    const t = (['YYYY', 'MONTH', 'Mon', 'MM', 'M', 'DD', 'D'] as const).find((k) => rest.startsWith(k));
    if (t) {
      out.push({ kind: t === 'YYYY' ? 'Y' : t });
      i += t.length;
    } else {
      out.push({ kind: 'lit', text: fmt[i] });
      i++;
    }
  }
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Formats the UTC calendar day of `d`. */
export function formatDate(d: Date, fmt: string): string {
  const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
  return tokens(fmt)
    .map((t) => {
      switch (t.kind) {
        case 'Y': return String(y);
        case 'MONTH': return MONTHS[m - 1];
        case 'Mon': return MONTHS[m - 1].slice(0, 3);
        case 'MM': return pad(m);
        case 'M': return String(m);
        case 'DD': return pad(day);
        case 'D': return String(day);
        default: return t.text;
      }
    })
    .join('');
}

/** Parses a date in `fmt` (a UTC midnight), or null when it does not match or is no real day. */
export function parseDate(s: string, fmt: string): Date | null {
  const re = tokens(fmt)
    .map((t) => {
      switch (t.kind) {
        case 'Y': return '(\\d{4})';
        case 'MONTH': return `(${MONTHS.join('|')})`;
        case 'Mon': return `(${MONTHS.map((x) => x.slice(0, 3)).join('|')})`;
        case 'MM': case 'DD': return '(\\d{2})';
        case 'M': case 'D': return '(\\d{1,2})';
        default: return t.text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      }
    })
    .join('');
  const m = new RegExp(`^${re}$`, 'i').exec(s.trim());
  if (!m) return null;
  let y = 0, mo = 0, d = 0, g = 1;
  for (const t of tokens(fmt)) {
    if (t.kind === 'lit') continue;
    const v = m[g++];
    if (t.kind === 'Y') y = Number(v);
    else if (t.kind === 'MONTH' || t.kind === 'Mon') mo = MONTHS.findIndex((x) => x.toLowerCase().startsWith(v.toLowerCase())) + 1;
    else if (t.kind === 'MM' || t.kind === 'M') mo = Number(v);
    else d = Number(v);
  }
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : null;
}
