/** What the student sees (noise) beside what it is tested on (digits), with each model's guesses. */
import { useMemo } from 'react';
import { Pixels } from './Pixels';
import type { Condition } from '../protocol/conditions';
import { IMAGE_PIXELS, pixelInput } from '../protocol/constants';
import { pct } from '../protocol/format';
import { noiseImages, noiseShade, noiseWords } from './noiseImages';
import { useAppState } from './useStore';
import { ModelRowHeader } from './ModelName';
import { Scroll } from './Scroll';
import { useWidth } from './useWidth';

const NOISE_SHOWN = 6;
/** Room for a model's name (wrapped when the digits are in blocks), and for one digit's column, in one table or in blocks. */
const ROW_HEADER_PX = 130;
const DIGIT_CELL_PX = 54;
const BLOCK_CELL_PX = 46;

/** Indices 0 … n − 1 in blocks of at most `size`, as even as they can be (12 in 4s, not 5 + 5 + 2). */
function chunks(n: number, size: number): number[][] {
  const count = Math.ceil(n / size);
  const each = Math.ceil(n / count);
  return Array.from({ length: count }, (_, b) => Array.from({ length: Math.min(each, n - b * each) }, (_, i) => b * each + i));
}

function Guess({ guess, label }: { guess: number; label: number | undefined }) {
  return <td className={guess === label ? 'right' : 'wrong'}>{guess}</td>;
}

export function Samples() {
  const samples = useAppState((s) => s.samples);
  const predictions = useAppState((s) => s.predictions);
  const seed = useAppState((s) => s.run.config?.seed ?? s.config.seed);
  // The noise of the run shown, or of the next run before there is one.
  const kind = useAppState((s) => (s.run.config ?? s.config).noise);
  const blur = useAppState((s) => (s.run.config ?? s.config).noiseBlur);
  const noise = useMemo(() => noiseImages({ noise: kind, noiseBlur: blur }, seed, NOISE_SHOWN), [kind, blur, seed]);
  const shade = noiseShade({ noise: kind });
  const digits = useMemo(
    () =>
      samples
        ? samples.labels.map((_, i) => Float32Array.from(samples.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), pixelInput))
        : [],
    [samples],
  );
  const bars = useAppState((s) => s.derived.bars);
  const testCount = useAppState((s) => (s.run.config ?? s.config).testCount);
  const models = (Object.keys(predictions) as Condition[]).filter((c) => c !== 'reference');
  const meanOf = (c: Condition) => bars.find((b) => b.condition === c)?.mean;
  // On a narrow screen the twelve digits wrap into blocks that fit, rather than a table that scrolls sideways out of sight.
  const [box, width] = useWidth<HTMLDivElement>(900);
  const perBlock =
    width - ROW_HEADER_PX >= digits.length * DIGIT_CELL_PX
      ? digits.length
      : Math.max(3, Math.floor((width - ROW_HEADER_PX) / BLOCK_CELL_PX));
  const blocks = digits.length === 0 ? [[]] : chunks(digits.length, perBlock);
  const together = blocks.length === 1;
  const totalsHead = (
    <>
      <th scope="col">right here</th>
      <th scope="col">on all</th>
    </>
  );
  const totals = (c: Condition) => (
    <>
      <td className="count">
        {predictions[c]!.filter((p, i) => p === samples?.labels[i]).length}/{predictions[c]!.length}
      </td>
      <td className="count">{meanOf(c) === undefined ? '—' : pct(meanOf(c)!)}</td>
    </>
  );
  return (
    <div className="samples">
      <div>
        <h3>What the student trains on</h3>
        <p className="hint" data-testid="noise-kind">
          {noiseWords({ noise: kind, noiseBlur: blur })}. Never a digit, never the teacher's digit outputs.
        </p>
        <div className="strip">
          {noise.map((values, i) => (
            <Pixels key={i} values={values} label={`noise image ${i + 1}`} low={-shade} high={shade} />
          ))}
        </div>
      </div>
      <div>
        <h3>What it is tested on</h3>
        <p className="hint">
          Real MNIST test digits, with one seed's latest guesses. Twelve digits are a glimpse: the last column is each model's score on all{' '}
          {testCount.toLocaleString('en')} test digits (mean over seeds).
        </p>
        <div ref={box}>
          {blocks.map((block, b) => {
            const withTotals = b === blocks.length - 1 && together;
            return (
              <Scroll
                key={b}
                label={blocks.length > 1 ? `test digits ${block[0] + 1}–${block.at(-1)! + 1}` : "test digits and each model's guesses"}
              >
                <table className={together ? 'predictions' : 'predictions blocks'} data-testid="predictions">
                  <tbody>
                    <tr>
                      <th scope="row">digit</th>
                      {block.map((i) => (
                        <td key={i}>
                          <Pixels values={digits[i]} label={`test digit ${samples!.labels[i]}`} />
                        </td>
                      ))}
                      {withTotals && totalsHead}
                    </tr>
                    {models.map((c) => (
                      <tr key={c}>
                        <ModelRowHeader condition={c} />
                        {block.map((i) => (
                          <Guess key={i} guess={predictions[c]![i]} label={samples?.labels[i]} />
                        ))}
                        {withTotals && totals(c)}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Scroll>
            );
          })}
          {!together && models.length > 0 && (
            <table className="predictions" data-testid="prediction-totals">
              <tbody>
                <tr>
                  <th scope="row">model</th>
                  {totalsHead}
                </tr>
                {models.map((c) => (
                  <tr key={c}>
                    <ModelRowHeader condition={c} />
                    {totals(c)}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </div>
  );
}
