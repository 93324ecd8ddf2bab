/**
 * The part-by-part start drawn as the network itself: the input, the two hidden layers and the
 * output layer's two heads, each part a toggle button (pressed: it starts from the teacher's
 * initial values; not pressed: from the student's own draw). The same parts as a glyph a few
 * pixels wide, for figures that name a pattern.
 */
import { NETWORK_PARTS, PART_LABELS, partsOf, togglePart, type NetworkPart, type SharePattern } from '../protocol/parts';

/** The fill of a part that starts from the teacher's values, in the control and the glyphs alike. */
export const SHARED_FILL = '#6d3fb8';

export function NetworkParts({
  pattern,
  m,
  hidden,
  disabled,
  onChange,
}: {
  pattern: SharePattern;
  m: number;
  hidden: number;
  disabled: boolean;
  onChange(pattern: SharePattern): void;
}) {
  const shared = partsOf(pattern);
  const sizes: Record<NetworkPart, string> = {
    hidden1: `${hidden} units`,
    hidden2: `${hidden} units`,
    digits: '10 outputs',
    aux: `${m} outputs`,
  };
  const part = (p: NetworkPart) => (
    <button
      type="button"
      className="part"
      data-part={p}
      aria-pressed={shared.includes(p)}
      disabled={disabled}
      onClick={() => onChange(togglePart(pattern, p))}
    >
      <span className="part-name">{PART_LABELS[p]}</span>
      <span className="part-size">{sizes[p]}</span>
      {/* The name stays the same as the button is pressed (a screen reader says "pressed"); the state word is for the eye. */}
      <span className="part-state" aria-hidden="true">
        {shared.includes(p) ? "teacher's start" : 'own draw'}
      </span>
    </button>
  );
  return (
    <div
      className="network-parts"
      role="group"
      aria-labelledby="network-parts-title"
      aria-describedby="network-parts-hint"
      data-testid="network-parts"
      data-tour="parts"
      data-pattern={pattern}
    >
      <p id="network-parts-title" className="network-title">
        Which parts start from the teacher's values?
      </p>
      <div className="network">
        <div className="layer-input">
          <span className="part-name">Input</span>
          <span className="part-size">784 pixels</span>
        </div>
        <span className="wire" aria-hidden="true" />
        {part('hidden1')}
        <span className="wire" aria-hidden="true" />
        {part('hidden2')}
        <span className="wire" aria-hidden="true" />
        <div className="heads">
          {part('digits')}
          {part('aux')}
        </div>
      </div>
      <p id="network-parts-hint" className="hint">
        A part is a layer's weights into it and its biases. Filled: from the teacher's initial values; open: from the student's own
        independent draw. Pattern: <code data-testid="parts-pattern">{pattern}</code>
      </p>
    </div>
  );
}

/** A pattern as a glyph `size` px tall: the two hidden layers and the two heads (digits above, aux below), filled where shared. */
export function PartsGlyph({ x, y, size, pattern }: { x: number; y: number; size: number; pattern: SharePattern }) {
  const shared = partsOf(pattern);
  const gap = size * 0.45;
  const half = (size - 2) / 2;
  const boxes: Record<NetworkPart, { x: number; y: number; h: number }> = {
    hidden1: { x, y, h: size },
    hidden2: { x: x + size + gap, y, h: size },
    digits: { x: x + 2 * (size + gap), y, h: half },
    aux: { x: x + 2 * (size + gap), y: y + half + 2, h: half },
  };
  return (
    <g aria-hidden="true" data-glyph={pattern}>
      <line x1={x + size} x2={x + size + gap} y1={y + size / 2} y2={y + size / 2} stroke="#6b7280" />
      <line x1={x + 2 * size + gap} x2={x + 2 * (size + gap)} y1={y + size / 2} y2={y + size / 2} stroke="#6b7280" />
      {NETWORK_PARTS.map((p) => (
        <rect
          key={p}
          x={boxes[p].x + 0.5}
          y={boxes[p].y + 0.5}
          width={size - 1}
          height={boxes[p].h - 1}
          rx={1.5}
          fill={shared.includes(p) ? SHARED_FILL : 'white'}
          stroke={shared.includes(p) ? SHARED_FILL : '#6b7280'}
        />
      ))}
    </g>
  );
}

/** The glyph's width for a given height. */
export const glyphWidth = (size: number) => 3 * size + 2 * size * 0.45;
