/**
 * Which parts must match? Two recorded sweeps of the part-by-part student, drawn from their files
 * in docs/results (each a chunk of its own, fetched when the research section is opened): its
 * accuracy per pattern of shared parts at the classroom settings, and per m and pattern at the 2026
 * split-head paper's budget, one panel per initialisation scheme. The captions say what is drawn
 * and the command that recorded it; what it shows is docs/results.md's to say.
 */
import { CONFIG_SCHEMA } from '../protocol/config';
import { estimateText, INTERVAL_NAME, pct } from '../protocol/format';
import { budgetFigure, PARTS_STUDENT, whichPartsFigure, type BudgetFigure, type WhichPartsFigure } from '../protocol/partsFigures';
import type { SweepFile } from '../protocol/sweep';
import { jitter } from './chart/jitter';
import { NumbersTable } from './chart/NumbersTable';
import { glyphWidth, PartsGlyph } from './NetworkParts';
import { PercentGrid } from './ResultsFigure';
import { readSweeps, SweepReceipt, SweepReceiptLine, sweepProblem, useSweepFile } from './Sweeps';
import { textWidth } from './textWidth';
import { useType } from './useNames';
import { useWidth } from './useWidth';

const loadWhichParts = () => import('../../docs/results/sweep-which-parts.json');
const loadBudget = {
  uniform: () => import('../../docs/results/sweep-budget-2026-uniform.json'),
  normal: () => import('../../docs/results/sweep-budget-2026-normal.json'),
};

const CHANCE = 0.1;

/** The part-by-part student's accuracy per pattern: a row each, its glyph and name, seeds, mean and interval; the teacher and chance as lines. */
export function WhichPartsChart({ figure }: { figure: WhichPartsFigure }) {
  const [box, width] = useWidth<HTMLDivElement>();
  const { font } = useType();
  const { rows, teacher } = figure;
  const glyph = Math.round(font * 1.15);
  // On a phone each row's name goes above its line, so the line keeps the whole width.
  const labelWidth = glyphWidth(glyph, figure.depth) + 8 + Math.max(...rows.map((r) => textWidth(r.pattern, font)));
  const stacked = width - labelWidth < 260;
  const left = stacked ? Math.ceil(textWidth('0%', font) / 2) + 4 : Math.ceil(labelWidth) + 14;
  const right = Math.ceil(textWidth('100%', font) / 2) + 4;
  const top = font + 10;
  // A row: its name (stacked: a band of its own above), and a line tall enough for the seeds' dots spread about it.
  const nameBand = stacked ? glyph + 4 : 0;
  const rowHeight = nameBand + Math.max(glyph, font) + 16;
  const plotHeight = rows.length * rowHeight;
  const height = top + plotHeight + 2 * (font + 6) + 6;
  const x = (v: number) => left + (width - left - right) * Math.min(1, Math.max(0, v));
  const lineY = (i: number) => top + i * rowHeight + nameBand + (rowHeight - nameBand) / 2;
  const r = Math.max(3, font / 4);
  // The teacher's label beside its line, away from chance's when the two lines are close.
  const teacherText = teacher && `teacher ${pct(teacher.mean)}`;
  const teacherAfter = teacher !== null && x(teacher.mean) - x(CHANCE) < textWidth('chance', font) + textWidth(teacherText!, font) + 14;
  return (
    <div ref={box} className="which-parts-figure">
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={`Test accuracy of the aux-only part-by-part student for each of ${rows.length} patterns of shared parts: mean and ${INTERVAL_NAME} over seeds; the teacher's accuracy and chance as lines`}
        data-testid="which-parts-figure"
        data-rows={rows.length}
        fontFamily="system-ui, sans-serif"
      >
        <rect x={0} y={0} width={width} height={height} fill="white" />
        {[0, 0.25, 0.5, 0.75, 1].map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={top} y2={top + plotHeight} stroke="#e5e7eb" />
            <text x={x(t)} y={top + plotHeight + font + 4} textAnchor="middle" fontSize={font} fill="#374151">
              {Math.round(100 * t)}%
            </text>
          </g>
        ))}
        <text x={left + (width - left - right) / 2} y={height - 6} textAnchor="middle" fontSize={font} fill="#374151">
          test accuracy of the aux-only student
        </text>
        <line x1={x(CHANCE)} x2={x(CHANCE)} y1={top - 4} y2={top + plotHeight} stroke="#6b7280" strokeDasharray="6 4" />
        <text x={x(CHANCE) + 4} y={top - 4} fontSize={font} fill="#374151">
          chance
        </text>
        {teacher && (
          <>
            <line x1={x(teacher.mean)} x2={x(teacher.mean)} y1={top - 4} y2={top + plotHeight} stroke="#111827" strokeWidth={1.5} />
            <text
              x={x(teacher.mean) + (teacherAfter ? 4 : -4)}
              y={top - 4}
              textAnchor={teacherAfter ? 'start' : 'end'}
              fontSize={font}
              fill="#111827"
            >
              {teacherText}
            </text>
          </>
        )}
        {rows.map((row, i) => {
          const cy = lineY(i);
          const labelY = stacked ? top + i * rowHeight + 3 : cy - glyph / 2;
          const low = row.ci95 === null ? row.mean : row.mean - row.ci95;
          const high = row.ci95 === null ? row.mean : row.mean + row.ci95;
          const valueText = pct(row.mean);
          // The mean's number after the interval, or before it where the interval reaches the right edge.
          const after = x(high) + 6 + textWidth(valueText, font) <= width - 2;
          return (
            <g key={row.pattern} data-pattern={row.pattern}>
              {i > 0 && <line x1={0} x2={width} y1={top + i * rowHeight} y2={top + i * rowHeight} stroke="#f3f4f6" />}
              <PartsGlyph x={stacked ? 8 : 4} y={labelY} size={glyph} pattern={row.pattern} depth={figure.depth} />
              <text
                x={(stacked ? 8 : 4) + glyphWidth(glyph, figure.depth) + 8}
                y={labelY + glyph / 2}
                dy="0.35em"
                fontSize={font}
                fill="#111827"
              >
                {row.pattern}
              </text>
              {row.seeds.map((v, j) => (
                <circle key={j} cx={x(v)} cy={cy + jitter(j) * ((rowHeight - nameBand) / 3)} r={r * 0.75} fill="#8a5a00" opacity={0.4}>
                  <title>{pct(v)}</title>
                </circle>
              ))}
              <line x1={x(low)} x2={x(high)} y1={cy} y2={cy} stroke="#111827" strokeWidth={2} />
              <circle cx={x(row.mean)} cy={cy} r={r + 1} fill="#8a5a00" stroke="white">
                <title>
                  {row.pattern}: {estimateText(row)} over {row.seeds.length} seeds
                </title>
              </circle>
              <text
                x={after ? x(high) + 6 : x(low) - 6}
                y={cy}
                dy="0.35em"
                textAnchor={after ? 'start' : 'end'}
                fontSize={font}
                fill="#374151"
              >
                {valueText}
              </text>
            </g>
          );
        })}
      </svg>
      <ul className="legend">
        <li>
          <svg width={glyphWidth(glyph)} height={glyph} aria-hidden="true">
            <PartsGlyph x={0} y={0} size={glyph} pattern="hidden1+aux" />
          </svg>{' '}
          each pattern: hidden layer 1, hidden layer 2, then the digit head over the auxiliary head; filled: from the teacher's initial
          values
        </li>
        <li>big dot: the mean · line: {INTERVAL_NAME} · small dots: each seed</li>
      </ul>
    </div>
  );
}

/** Line styles for the budget figure's patterns, in the sweep's order (a dash as well as a colour, for those who see no colour). */
const SERIES_STYLE = [
  { color: '#0b6aa8', dash: undefined },
  { color: '#b34700', dash: '7 4' },
  { color: '#374151', dash: '2 3' },
  { color: '#00745a', dash: '10 3 2 3' },
  { color: '#a0507c', dash: '4 2' },
];
const styleOf = (i: number) => SERIES_STYLE[i % SERIES_STYLE.length];

/** One initialisation scheme's panel: accuracy against m on a log axis, a line per pattern with its interval as a band. */
function BudgetPanel({ figure }: { figure: BudgetFigure }) {
  const [box, width] = useWidth<HTMLDivElement>(300);
  const { font } = useType();
  const ms = [...new Set(figure.series.flatMap((s) => s.points.map((p) => p.m)))].sort((a, b) => a - b);
  const left = Math.ceil(textWidth('100%', font)) + 10;
  const right = Math.ceil(textWidth(String(ms.at(-1) ?? ''), font) / 2) + 8;
  const top = font;
  const height = Math.round(font * 19);
  const bottom = 2 * (font + 6) + 8;
  const plotHeight = height - top - bottom;
  const [lo, hi] = [Math.log(ms[0] ?? 1), Math.log(ms.at(-1) ?? 10)];
  const pad = 0.06 * (width - left - right);
  const x = (m: number) => left + pad + (hi === lo ? 0.5 : (Math.log(m) - lo) / (hi - lo)) * (width - left - right - 2 * pad);
  const y = (v: number) => top + plotHeight * (1 - Math.min(1, Math.max(0, v)));
  const r = Math.max(3, font / 4.5);
  const scheme = CONFIG_SCHEMA.initScheme.valueLabels[figure.scheme];
  return (
    <div ref={box} className="budget-panel">
      <p className="panel-title">
        <strong>{figure.scheme}</strong> start: {scheme.replace(/^\w+: /, '')}
      </p>
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={`Initialisation scheme ${figure.scheme}: test accuracy of the aux-only part-by-part student against m, the number of auxiliary outputs, for patterns ${figure.series.map((s) => s.pattern).join(', ')}: mean and ${INTERVAL_NAME} over seeds`}
        data-testid="budget-figure"
        data-scheme={figure.scheme}
        fontFamily="system-ui, sans-serif"
      >
        <rect x={0} y={0} width={width} height={height} fill="white" />
        <PercentGrid left={left} right={width - right} y={y} font={font} />
        {ms.map((m) => (
          <text key={m} x={x(m)} y={top + plotHeight + font + 6} textAnchor="middle" fontSize={font} fill="#111827">
            {m}
          </text>
        ))}
        <text x={left + (width - left - right) / 2} y={height - 6} textAnchor="middle" fontSize={font} fill="#374151">
          {CONFIG_SCHEMA.m.label} (log scale)
        </text>
        {figure.series.map((s, k) => {
          const { color, dash } = styleOf(k);
          const band = [
            ...s.points.map((p) => `${x(p.m)},${y(p.mean + (p.ci95 ?? 0))}`),
            ...[...s.points].reverse().map((p) => `${x(p.m)},${y(p.mean - (p.ci95 ?? 0))}`),
          ].join(' ');
          return (
            <g key={s.pattern} data-pattern={s.pattern}>
              <polygon points={band} fill={color} opacity={0.12} />
              <polyline
                points={s.points.map((p) => `${x(p.m)},${y(p.mean)}`).join(' ')}
                fill="none"
                stroke={color}
                strokeWidth={2}
                strokeDasharray={dash}
              />
              {s.points.map((p) => (
                <g key={p.m}>
                  {p.seeds.map((v, j) => (
                    <circle key={j} cx={x(p.m) + jitter(j) * 8} cy={y(v)} r={r * 0.7} fill={color} opacity={0.35} />
                  ))}
                  <circle cx={x(p.m)} cy={y(p.mean)} r={r + 1} fill={color} stroke="white">
                    <title>
                      {s.pattern}, m = {p.m}: {estimateText(p)} over {p.seeds.length} seeds
                    </title>
                  </circle>
                </g>
              ))}
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** The budget sweeps' numbers: a row per m, a column per scheme and pattern. */
function BudgetNumbers({ figures }: { figures: BudgetFigure[] }) {
  const ms = [...new Set(figures.flatMap((f) => f.series.flatMap((s) => s.points.map((p) => p.m))))].sort((a, b) => a - b);
  const series = figures.flatMap((f) => f.series.map((s) => ({ scheme: f.scheme, series: s })));
  const columns = series.map(({ scheme, series: s }) => ({ key: `${scheme} ${s.pattern}`, name: `${scheme}, ${s.pattern}` }));
  const rows = ms.map((m) => ({
    label: String(m),
    cells: series.map(({ series: s }) => {
      const p = s.points.find((q) => q.m === m);
      return p ? estimateText(p) : null;
    }),
  }));
  return <NumbersTable caption={`Accuracy by m, mean ± ${INTERVAL_NAME}`} axis="m" columns={columns} rows={rows} />;
}

export function WhichPartsFigureRecorded() {
  const file = useSweepFile(loadWhichParts);
  const figure = readSweeps([file], ([f]) => whichPartsFigure(f));
  return (
    <figure className="sweep" data-testid="which-parts">
      <figcaption>
        Which parts must match? Test accuracy of the aux-only student ({PARTS_STUDENT}) whose filled parts start from the teacher's initial
        values and the rest from its own draw, a row per pattern (recorded)
      </figcaption>
      {figure === null ? (
        <p className="empty">Loading…</p>
      ) : figure instanceof Error ? (
        sweepProblem('The which-parts sweep', figure)
      ) : (
        <>
          <WhichPartsChart figure={figure} />
          <SweepReceipt file={file as SweepFile} />
        </>
      )}
    </figure>
  );
}

export function BudgetFigureRecorded() {
  const files = { uniform: useSweepFile(loadBudget.uniform), normal: useSweepFile(loadBudget.normal) };
  const figures = (['uniform', 'normal'] as const).map((scheme) => ({
    scheme,
    figure: readSweeps([files[scheme]], ([f]) => budgetFigure(f)),
  }));
  const drawn = figures.flatMap(({ figure }) => (figure === null || figure instanceof Error ? [] : [figure]));
  const first = figures.find(({ figure }) => figure !== null && !(figure instanceof Error));
  return (
    <figure className="sweep" data-testid="budget">
      <figcaption>
        At the 2026 split-head paper's budget: the same student's test accuracy against m, the number of auxiliary outputs, per pattern,
        under each initialisation scheme (recorded)
      </figcaption>
      {figures.every(({ figure }) => figure === null) && <p className="empty">Loading…</p>}
      <div className="budget-panels">
        {figures.map(({ scheme, figure }) =>
          figure === null ? null : figure instanceof Error ? (
            <div key={scheme}>{sweepProblem(`The ${scheme} budget sweep`, figure)}</div>
          ) : (
            <BudgetPanel key={scheme} figure={figure} />
          ),
        )}
      </div>
      {first && (
        <ul className="legend">
          {(first.figure as BudgetFigure).series.map((s, k) => (
            <li key={s.pattern}>
              <svg width={30} height={10} aria-hidden="true">
                <line x1={0} x2={30} y1={5} y2={5} stroke={styleOf(k).color} strokeWidth={2} strokeDasharray={styleOf(k).dash} />
              </svg>{' '}
              <svg width={glyphWidth(12, (first.figure as BudgetFigure).depth)} height={12} aria-hidden="true">
                <PartsGlyph x={0} y={0} size={12} pattern={s.pattern} depth={(first.figure as BudgetFigure).depth} />
              </svg>{' '}
              {s.pattern}
            </li>
          ))}
          <li>big dot: the mean · band: {INTERVAL_NAME} · small dots: each seed · dashed: chance (10%)</li>
        </ul>
      )}
      {drawn.length > 0 && (
        <div className="hint">
          {(['uniform', 'normal'] as const).map((scheme) => {
            const file = files[scheme];
            return file === null || file instanceof Error ? null : (
              <p key={scheme}>
                <strong>{scheme}:</strong> <SweepReceiptLine file={file} />
              </p>
            );
          })}
          <BudgetNumbers figures={drawn} />
        </div>
      )}
    </figure>
  );
}
