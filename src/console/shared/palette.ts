/** The switch-role colours AWS's console offers (hex as its `color` URL parameter takes them, without '#'). */
export const ROLE_COLORS: ReadonlyArray<{ name: string; hex: string }> = [
  { name: 'Red', hex: 'f2b0a9' },
  { name: 'Orange', hex: 'fbc8aa' },
  { name: 'Yellow', hex: 'efda95' },
  { name: 'Green', hex: 'b7ca9d' },
  { name: 'Blue', hex: '83d4e8' },
];

/** A colour name or hex (with or without '#') → the palette's hex, or undefined when it is not one of AWS's. */
export function normalizeRoleColor(v: string | undefined | null): string | undefined {
  if (!v) return undefined;
  const s = v.trim().replace(/^#/, '').toLowerCase();
  const hit = ROLE_COLORS.find((c) => c.hex === s || c.name.toLowerCase() === s);
  return hit?.hex;
}
