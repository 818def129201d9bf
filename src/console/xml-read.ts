/** Reads the Query protocol's XML answers back into model-shaped objects (the inverse of protocol/xml.ts's renderer). */
import type { ServiceModel, Shape } from '../protocol/index.js';

/** One XML element: its local name, child elements and text content. */
export interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

/** Parses well-formed XML (elements, attributes ignored, text, entities) into a tree; throws on malformed input. */
export function parseXml(text: string): XmlNode {
  const root: XmlNode = { name: '#root', children: [], text: '' };
  const stack: XmlNode[] = [root];
  const re = /<(\/?)([A-Za-z_][\w.:-]*)([^>]*?)(\/?)>|<\?[^>]*\?>|<!--[\s\S]*?-->|([^<]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const top = stack[stack.length - 1]!;
    if (m[5] !== undefined) {
      top.text += unescapeXml(m[5]);
      continue;
    }
    if (m[2] === undefined) continue;
    const name = m[2].includes(':') ? m[2].slice(m[2].indexOf(':') + 1) : m[2];
    if (m[1] === '/') {
      if (top.name !== name || stack.length === 1) throw new Error(`malformed XML: unexpected </${name}>`);
      stack.pop();
      continue;
    }
    const node: XmlNode = { name, children: [], text: '' };
    top.children.push(node);
    if (m[4] !== '/') stack.push(node);
  }
  if (stack.length !== 1) throw new Error('malformed XML: unclosed element');
  return root;
}

/** The first child element called `name`. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c) => c.name === name);
}

/** Converts an element through a model shape: structures to objects, lists to arrays, scalars to JS values. */
export function fromXml(model: ServiceModel, shapeName: string, node: XmlNode): unknown {
  const shape: Shape = model.shapes[shapeName]!;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [member, ref] of Object.entries(shape.members ?? {})) {
        const mshape = model.shapes[ref.shape]!;
        const tag = ref.locationName ?? member;
        if (mshape.type === 'list' && (ref.flattened || mshape.flattened)) {
          const itemTag = mshape.member?.locationName ?? tag;
          const items = node.children.filter((c) => c.name === itemTag);
          if (items.length) out[member] = items.map((i) => fromXml(model, mshape.member!.shape, i));
          continue;
        }
        const el = child(node, tag);
        if (el) out[member] = fromXml(model, ref.shape, el);
      }
      return out;
    }
    case 'list': {
      const itemTag = shape.member!.locationName ?? 'member';
      return node.children.filter((c) => c.name === itemTag).map((i) => fromXml(model, shape.member!.shape, i));
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      const kt = shape.key!.locationName ?? 'key';
      const vt = shape.value!.locationName ?? 'value';
      for (const e of node.children.filter((c) => c.name === 'entry')) {
        const k = child(e, kt)?.text ?? '';
        const v = child(e, vt);
        out[k] = v ? fromXml(model, shape.value!.shape, v) : '';
      }
      return out;
    }
    case 'boolean':
      return node.text === 'true';
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return Number(node.text);
    default:
      return node.text;
  }
}
