/** What the student sees (noise) beside what it is tested on (digits), with each model's guesses. */
import { useMemo } from 'react';
import { Pixels } from './Pixels';
import type { Condition } from '../protocol/conditions';
import { IMAGE_PIXELS, pixelInput } from '../protocol/constants';
import { pct } from '../protocol/format';
import { fillNoise, seedStreams } from '../protocol/random';
import { useAppState } from './useStore';
import { ModelRowHeader } from './ModelName';
import { Scroll } from './Scroll';

const NOISE_SHOWN = 6;

export function Samples() {
  const samples = useAppState((s) => s.samples);
  const predictions = useAppState((s) => s.predictions);
  const seed = useAppState((s) => s.run.config?.seed ?? s.config.seed);
  const noise = useMemo(() => {
    const values = new Float32Array(NOISE_SHOWN * IMAGE_PIXELS);
    fillNoise(
      seedStreams(seed).noise,
      Array.from({ length: NOISE_SHOWN }, (_, i) => i),
      values,
    );
    return Array.from({ length: NOISE_SHOWN }, (_, i) => values.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS));
  }, [seed]);
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
  return (
    <div className="samples">
      <div>
        <h3>What the student trains on</h3>
        <p className="hint">Uniform noise. Never a digit, never the teacher's digit outputs.</p>
        <div className="strip">
          {noise.map((values, i) => (
            <Pixels key={i} values={values} label={`noise image ${i + 1}`} />
          ))}
        </div>
      </div>
      <div>
        <h3>What it is tested on</h3>
        <p className="hint">
          Real MNIST test digits, with one seed's latest guesses. Twelve digits are a glimpse: the last column is each model's score on all{' '}
          {testCount.toLocaleString('en')} test digits (mean over seeds).
        </p>
        <Scroll label="test digits and each model's guesses">
          <table className="predictions">
            <tbody>
              <tr>
                <th scope="row">digit</th>
                {digits.map((values, i) => (
                  <td key={i}>
                    <Pixels values={values} label={`test digit ${samples!.labels[i]}`} />
                  </td>
                ))}
                <th scope="col">right here</th>
                <th scope="col">on all</th>
              </tr>
              {models.map((c) => (
                <tr key={c}>
                  <ModelRowHeader condition={c} />
                  {predictions[c]!.map((p, i) => (
                    <td key={i} className={p === samples?.labels[i] ? 'right' : 'wrong'}>
                      {p}
                    </td>
                  ))}
                  <td className="count">
                    {predictions[c]!.filter((p, i) => p === samples?.labels[i]).length}/{predictions[c]!.length}
                  </td>
                  <td className="count">{meanOf(c) === undefined ? '—' : pct(meanOf(c)!)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      </div>
    </div>
  );
}
