/** Small DOM helpers for SAML: direct children by namespace and local name, element search, whole text content. */
import type { Element, Node } from '@xmldom/xmldom';

/** The element children of `parent` with namespace `ns` and local name `name`, in document order. */
export function children(parent: Node, ns: string, name: string): Element[] {
  const out: Element[] = [];
  for (let c = parent.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1 && (c as Element).namespaceURI === ns && (c as Element).localName === name) out.push(c as Element);
  }
  return out;
}

/** The single child `ns:name` of `parent`, undefined when absent; more than one is `onMany()`. */
export function child(parent: Node, ns: string, name: string, onMany: () => Error): Element | undefined {
  const list = children(parent, ns, name);
  if (list.length > 1) throw onMany();
  return list[0];
}

/** Every descendant element of `root` (itself included) with namespace `ns` and local name `name`. */
export function descendants(root: Node, ns: string, name: string): Element[] {
  const out: Element[] = [];
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === name) out.push(n as Element);
    for (let c = n.lastChild; c; c = c.previousSibling) stack.push(c);
  }
  return out;
}

/** Every value of an ID-like attribute (ID, Id, id: the ones xml-crypto resolves references by) in the tree. */
export function idValues(root: Node): string[] {
  const out: string[] = [];
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.nodeType === 1) {
      const attrs = (n as Element).attributes;
      for (let i = 0; i < attrs.length; i++) {
        const a = attrs.item(i)!;
        const local = a.localName ?? a.name;
        if (local === 'ID' || local === 'Id' || local === 'id') out.push(a.value);
      }
    }
    for (let c = n.firstChild; c; c = c.nextSibling) stack.push(c);
  }
  return out;
}

/** The whole text of an element (all its text nodes, trimmed). */
export function text(el: Element | undefined): string | undefined {
  if (!el) return undefined;
  return (el.textContent ?? '').trim();
}
