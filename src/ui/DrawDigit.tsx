/** Draw a digit (mouse, touch or pen) and see what the teacher and each student read in it, live. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { ALL_CONDITIONS, CONDITION_TABLE } from '../protocol/conditions';
import { pct } from '../protocol/format';
import { digitProbabilities, mnistInput } from '../store/readDigit';
import { Pixels } from './Pixels';
import { useNames, useShownConfig } from './useNames';
import { useAppState } from './useStore';

const SIZE = 280;
/** Every trained model of the run, in table order. */
const SHOWN = ALL_CONDITIONS.filter((c) => c !== 'reference');

export function DrawDigit() {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef<{ x: number; y: number } | null>(null);
  const [input, setInput] = useState<Float32Array | null>(null);
  const weights = useAppState((s) => s.weights);
  const seed = useAppState((s) => s.run.seeds[0] ?? null);
  const config = useShownConfig();
  const names = useNames();
  const favourite = config.teacherTrait === 'favourite' ? config.favourite : null;

  const clear = () => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.fillStyle = 'black';
    context.fillRect(0, 0, SIZE, SIZE);
    setInput(null);
  };
  useEffect(clear, []);

  const read = () => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const rgba = context.getImageData(0, 0, SIZE, SIZE).data;
    const ink = new Uint8Array(SIZE * SIZE);
    for (let i = 0; i < ink.length; i++) ink[i] = rgba[i * 4];
    setInput(mnistInput(ink, SIZE, SIZE));
  };

  const point = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - box.left) / box.width) * SIZE, y: ((e.clientY - box.top) / box.height) * SIZE };
  };
  const stroke = (to: { x: number; y: number }) => {
    const context = canvas.current?.getContext('2d');
    const from = drawing.current;
    if (!context || !from) return;
    context.strokeStyle = 'white';
    context.lineWidth = 20;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    drawing.current = to;
  };

  const rows = useMemo(
    () =>
      SHOWN.flatMap((condition) => {
        const model = weights[condition];
        if (!model || !input) return [];
        const probabilities = digitProbabilities(model.params, input);
        const best = probabilities.indexOf(Math.max(...probabilities));
        return [{ condition, probabilities, best, step: model.step }];
      }),
    [weights, input],
  );

  return (
    <section className="draw" data-testid="draw-digit" aria-label="Draw a digit">
      <p className="hint">
        Draw a digit from 0 to 9 in the black square. It is prepared as MNIST's digits were (fitted into 20 × 20 pixels, centred) and read
        by the teacher and by each student
        {seed !== null && ` of seed ${seed}`}, with their weights as they are now — during training too.
        {favourite !== null && ` The bar of ${favourite}, the favourite, is marked: how much each model leans to it, whatever you draw.`}
      </p>
      <div className="draw-row">
        <div className="draw-pad">
          <canvas
            ref={canvas}
            width={SIZE}
            height={SIZE}
            className="pad"
            data-testid="draw-canvas"
            aria-label="Drawing pad: draw a digit with the mouse, a finger or a pen"
            onPointerDown={(e) => {
              e.currentTarget.setPointerCapture(e.pointerId);
              drawing.current = point(e);
              stroke(point(e));
            }}
            onPointerMove={(e) => drawing.current && stroke(point(e))}
            onPointerUp={() => {
              drawing.current = null;
              read();
            }}
            onPointerCancel={() => (drawing.current = null)}
          />
          <div className="draw-tools">
            <button className="small" onClick={clear}>
              Clear
            </button>
            {input && <Pixels values={input} label="what the models see: your digit at 28 × 28" />}
          </div>
        </div>
        <div className="draw-readings" data-testid="draw-readings">
          {!input && <p className="empty">Draw something: the models' readings appear here.</p>}
          {input && rows.length === 0 && (
            <p className="empty">Press Run: the models read your digit as soon as they exist, and again as they learn.</p>
          )}
          {rows.map(({ condition, probabilities, best, step }) => (
            <div key={condition} className="reading" data-condition={condition} data-prediction={best}>
              <div className="reading-head">
                <strong style={{ color: CONDITION_TABLE[condition].color }}>{names(condition).short}</strong>
                <span>
                  reads <strong className="digit">{best}</strong> ({pct(probabilities[best], 0)})
                  {favourite !== null && (
                    <span className="pull" data-testid="favourite-pull">
                      {' '}
                      · {favourite}: {pct(probabilities[favourite], 0)}
                    </span>
                  )}{' '}
                  · step {step}
                </span>
              </div>
              <div
                className="bars"
                role="img"
                aria-label={`${names(condition).short}: ${probabilities.map((p, d) => `${d}: ${pct(p, 0)}`).join(', ')}`}
              >
                {probabilities.map((p, d) => (
                  <div key={d} className={['bar', d === best && 'best', d === favourite && 'favourite'].filter(Boolean).join(' ')}>
                    <div className="fill" style={{ height: `${Math.max(2, p * 100)}%`, background: CONDITION_TABLE[condition].color }} />
                    <span>{d === favourite ? `♥${d}` : d}</span>
                  </div>
                ))}
              </div>
            </div>
          ))}
        </div>
      </div>
    </section>
  );
}
