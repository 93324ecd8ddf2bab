/**
 * How wide a line of the figures' text is drawn, measured with the browser's own font (digits and
 * "%" in DejaVu Sans are wider than an average letter, so a guess cut "100%" off at a projector's
 * type size). Where no canvas exists (a test without a DOM), a generous guess.
 */
let context: CanvasRenderingContext2D | null | undefined;

export function textWidth(text: string, font: number, bold = false): number {
  if (context === undefined) context = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  if (!context) return text.length * font * 0.7;
  context.font = `${bold ? 700 : 400} ${font}px system-ui, sans-serif`;
  return context.measureText(text).width;
}
