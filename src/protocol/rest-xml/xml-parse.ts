/** A small, strict XML reader for REST-XML request bodies: elements, text, CDATA, entities; anything malformed throws. */

/** One element: its name (without namespace prefix), its children in order, and its text. */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Thrown for a body that is not well-formed XML (callers answer MalformedXML). */
export class XmlSyntaxError extends Error {}

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g, (all, ent: string | undefined) => {
    if (ent === undefined) throw new XmlSyntaxError('bare &');
    if (ent.startsWith('#x')) return String.fromCodePoint(parseInt(ent.slice(2), 16));
    if (ent.startsWith('#')) return String.fromCodePoint(parseInt(ent.slice(1), 10));
    const v = ENTITIES[ent];
    if (v === undefined) throw new XmlSyntaxError(`unknown entity ${all}`);
    return v;
  });
}

/** Parses `text` into its root element. */
export function parseXml(text: string): XmlElement {
  let i = 0;
  const n = text.length;
  const skipMisc = (): void => {
    for (;;) {
      while (i < n && /\s/.test(text[i]!)) i++;
      if (text.startsWith('<?', i)) {
        const e = text.indexOf('?>', i);
        if (e < 0) throw new XmlSyntaxError('unterminated declaration');
        i = e + 2;
      } else if (text.startsWith('<!--', i)) {
        const e = text.indexOf('-->', i);
        if (e < 0) throw new XmlSyntaxError('unterminated comment');
        i = e + 3;
      } else return;
    }
  };
  const localName = (q: string): string => {
    const c = q.indexOf(':');
    return c < 0 ? q : q.slice(c + 1);
  };
  const element = (depth: number): XmlElement => {
    if (depth > 64) throw new XmlSyntaxError('too deep');
    if (text[i] !== '<') throw new XmlSyntaxError('expected <');
    const m = /^<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(text.slice(i, i + 4096));
    if (!m) throw new XmlSyntaxError('bad start tag');
    i += m[0].length;
    const el: XmlElement = { name: localName(m[1]!), children: [], text: '' };
    if (m[3] === '/') return el;
    let textParts = '';
    for (;;) {
      if (i >= n) throw new XmlSyntaxError('unterminated element');
      if (text.startsWith('</', i)) {
        const e = text.indexOf('>', i);
        if (e < 0 || text.slice(i + 2, e).trim() !== m[1]) throw new XmlSyntaxError('mismatched end tag');
        i = e + 1;
        el.text = textParts;
        return el;
      }
      if (text.startsWith('<![CDATA[', i)) {
        const e = text.indexOf(']]>', i);
        if (e < 0) throw new XmlSyntaxError('unterminated CDATA');
        textParts += text.slice(i + 9, e);
        i = e + 3;
      } else if (text.startsWith('<!--', i)) {
        const e = text.indexOf('-->', i);
        if (e < 0) throw new XmlSyntaxError('unterminated comment');
        i = e + 3;
      } else if (text[i] === '<') {
        el.children.push(element(depth + 1));
      } else {
        const e = text.indexOf('<', i);
        if (e < 0) throw new XmlSyntaxError('unterminated element');
        textParts += decodeEntities(text.slice(i, e));
        i = e;
      }
    }
  };
  skipMisc();
  const root = element(0);
  skipMisc();
  if (i !== n) throw new XmlSyntaxError('content after the root element');
  return root;
}
