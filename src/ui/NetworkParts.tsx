/**
 * The part-by-part start drawn as the network itself: the input, its hidden layers and the
 * output layer's two heads, each part a toggle button (pressed: it starts from the teacher's
 * initial values; not pressed: from the student's own draw). The same parts as a glyph a few
 * pixels wide, for figures that name a pattern.
 */
import { Fragment } from 'react';
import {
  hiddenPart,
  networkParts,
  PAPER_DEPTH,
  partLabel,
  partsOf,
  togglePart,
  type NetworkPart,
  type SharePattern,
} from '../protocol/parts';

/** The fill of a part that starts from the teacher's values, in the control and the glyphs alike. */
export const SHARED_FILL = '#6d3fb8';

export function NetworkParts({
  pattern,
  m,
  hidden,
  depth,
  disabled,
  onChange,
}: {
  pattern: SharePattern;
  m: number;
  hidden: number;
  depth: number;
  disabled: boolean;
  onChange(pattern: SharePattern): void;
}) {
  const shared = partsOf(pattern, depth);
  const size = (p: NetworkPart) => (p === 'digits' ? '10 outputs' : p === 'aux' ? `${m} outputs` : `${hidden} units`);
  const part = (p: NetworkPart) => (
    <button
      type="button"
      className="part"
      data-part={p}
      aria-pressed={shared.includes(p)}
      disabled={disabled}
      onClick={() => onChange(togglePart(pattern, p, depth))}
    >
      <span className="part-name">{partLabel(p)}</span>
      <span className="part-size">{size(p)}</span>
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
        {Array.from({ length: depth }, (_, i) => (
          <Fragment key={i}>
            <span className="wire" aria-hidden="true" />
            {part(hiddenPart(i + 1))}
          </Fragment>
        ))}
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

/**
 * A pattern as a glyph `size` px tall: the hidden layers and the two heads (digits above, aux
 * below), filled where shared, for a network of `depth` hidden layers.
 */
export function PartsGlyph({
  x,
  y,
  size,
  pattern,
  depth = PAPER_DEPTH,
}: {
  x: number;
  y: number;
  size: number;
  pattern: SharePattern;
  depth?: number;
}) {
  const shared = partsOf(pattern, depth);
  const gap = size * 0.45;
  const half = (size - 2) / 2;
  const column = (i: number) => x + i * (size + gap);
  const box = (p: NetworkPart) =>
    p === 'digits' || p === 'aux'
      ? { x: column(depth), y: p === 'digits' ? y : y + half + 2, h: half }
      : { x: column(Number(p.slice('hidden'.length)) - 1), y, h: size };
  return (
    <g aria-hidden="true" data-glyph={pattern}>
      {Array.from({ length: depth }, (_, i) => (
        <line key={i} x1={column(i) + size} x2={column(i + 1)} y1={y + size / 2} y2={y + size / 2} stroke="#6b7280" />
      ))}
      {networkParts(depth).map((p) => (
        <rect
          key={p}
          x={box(p).x + 0.5}
          y={box(p).y + 0.5}
          width={size - 1}
          height={box(p).h - 1}
          rx={1.5}
          fill={shared.includes(p) ? SHARED_FILL : 'white'}
          stroke={shared.includes(p) ? SHARED_FILL : '#6b7280'}
        />
      ))}
    </g>
  );
}

/** The glyph's width for a given height, for a network of `depth` hidden layers. */
export const glyphWidth = (size: number, depth = PAPER_DEPTH) => (depth + 1) * size + depth * size * 0.45;
