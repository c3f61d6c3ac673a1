/** FNV-1a, 32 bits, over a string's UTF-16 code units: the one text hash of the ids and indexes that need a cheap one. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
