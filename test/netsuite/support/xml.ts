/**
 * A small XML reader for the SDF object tests: elements, attributes, text, CDATA, comments, the
 * five predefined entities. It throws on anything not well-formed (unclosed or mismatched tags,
 * stray `<`, unknown entity).
 */

export interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string, where: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);|&/gi, (m, e: string | undefined) => {
    if (!e) throw new Error(`${where}: bare '&'`);
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    if (!(e in ENTITIES)) throw new Error(`${where}: unknown entity &${e};`);
    return ENTITIES[e];
  });
}

export function parseXml(src: string, where: string): El {
  let i = 0;
  const root: El = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: El[] = [root];
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const chunk = src.slice(i, lt < 0 ? src.length : lt);
    if (chunk.includes('>')) throw new Error(`${where}: stray '>'`);
    stack[stack.length - 1].text += decode(chunk, where);
    if (lt < 0) break;
    if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt + 4);
      if (end < 0) throw new Error(`${where}: unclosed comment`);
      i = end + 3;
    } else if (src.startsWith('<![CDATA[', lt)) {
      const end = src.indexOf(']]>', lt + 9);
      if (end < 0) throw new Error(`${where}: unclosed CDATA`);
      stack[stack.length - 1].text += src.slice(lt + 9, end);
      i = end + 3;
    } else if (src.startsWith('<?', lt)) {
      const end = src.indexOf('?>', lt + 2);
      if (end < 0 || lt !== src.search(/\S/)) throw new Error(`${where}: misplaced XML declaration`);
      i = end + 2;
    } else {
      const m = /^<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(src.slice(lt));
      if (!m) throw new Error(`${where}: malformed tag at offset ${lt}`);
      const [all, close, name, attrText, selfClose] = m;
      if (close) {
        const open = stack.pop();
        if (!open || open.name !== name || stack.length === 0) throw new Error(`${where}: </${name}> closes <${open?.name}>`);
      } else {
        const attrs: Record<string, string> = {};
        for (const a of attrText.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
          if (a[1] in attrs) throw new Error(`${where}: <${name}> repeats ${a[1]}`);
          attrs[a[1]] = decode(a[2] ?? a[3], where);
        }
        const el: El = { name, attrs, children: [], text: '' };
        stack[stack.length - 1].children.push(el);
        if (!selfClose) stack.push(el);
      }
      i = lt + all.length;
    }
  }
  if (stack.length !== 1) throw new Error(`${where}: <${stack[stack.length - 1].name}> is not closed`);
  const tops = root.children;
  if (tops.length !== 1 || root.text.trim() !== '') throw new Error(`${where}: needs exactly one root element`);
  return tops[0];
}

export const child = (el: El, name: string): El | undefined => el.children.find((c) => c.name === name);
export const children = (el: El, name: string): El[] => el.children.filter((c) => c.name === name);
export const value = (el: El, name: string): string | undefined => {
  const c = child(el, name);
  return c ? c.text.trim() : undefined;
};
export function* walk(el: El): Generator<El> {
  yield el;
  for (const c of el.children) yield* walk(c);
}
