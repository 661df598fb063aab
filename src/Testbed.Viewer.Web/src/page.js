// Small DOM helpers shared by the episode page and the run index.

/** Creates an element with attributes and children (strings become text, never HTML). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
  for (const child of children) if (child != null) node.append(child instanceof Node ? child : String(child));
  return node;
}

/** A number with a fixed count of significant digits, without exponent for everyday sizes. */
export function fmt(value, digits = 3) {
  if (value == null) return '–';
  value = Number(value); // "NaN" and "Infinity" arrive as strings (JSON has no such numbers)
  if (Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  return Number(value.toPrecision(digits)).toString();
}

/** Little-endian float32 values from base64. */
export function decodeFloats(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}
