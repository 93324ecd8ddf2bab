/** Export buttons: the result as JSON and CSV (same schema as the CLI), any chart as PNG with its receipt. */
import type { RefObject } from 'react';
import { CONDITION_TABLE, type Condition } from '../protocol/conditions';
import { CONFIG_KEYS, valueText } from '../protocol/config';
import { receiptLines, toCsv, toExport } from '../protocol/export';
import type { AppState } from '../store/state';
import { downloadBlob, downloadText, svgToPng } from './download';
import { useNames } from './useNames';
import { useAppState } from './useStore';

const runtime = () => `browser: ${navigator.userAgent}`;

/** The receipt of what the page shows now: the finished result's, or the run so far. */
function currentReceipt(state: Pick<AppState, 'result' | 'run' | 'backend' | 'config'>): string[] {
  if (state.result) return receiptLines(state.result, runtime());
  const config = state.run.config ?? state.config;
  const backend = state.backend.info;
  return [
    `config: ${CONFIG_KEYS.map((k) => `${k}=${valueText(config[k])}`).join(' ')}`,
    `backend: ${backend ? `${backend.name} (tfjs ${backend.tfjsVersion})` : 'not chosen yet'}, ${runtime()}`,
    `run ${state.run.state}: ${state.run.doneSteps}/${state.run.totalSteps} steps, ${new Date().toISOString()}`,
  ];
}

function stamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
}

/** The chart itself: the largest SVG in the figure (recharts also draws small SVG legend icons). */
function chartSvg(node: HTMLElement | SVGSVGElement | null): SVGSVGElement | null {
  if (!node || node instanceof SVGSVGElement) return node;
  const area = (svg: SVGSVGElement) => svg.getBoundingClientRect().width * svg.getBoundingClientRect().height;
  return [...node.querySelectorAll('svg')].reduce<SVGSVGElement | null>(
    (best, svg) => (!best || area(svg) > area(best) ? svg : best),
    null,
  );
}

/** Saves a chart as PNG with its title, a legend of the models it shows, and the run's receipt; says why not before there is a chart. */
export function PngButton({
  target,
  name,
  title,
  conditions,
}: {
  target: RefObject<HTMLElement | SVGSVGElement | null>;
  name: string;
  title: string;
  conditions: Condition[];
}) {
  const result = useAppState((s) => s.result);
  const run = useAppState((s) => s.run);
  const backend = useAppState((s) => s.backend);
  const config = useAppState((s) => s.config);
  const names = useNames();
  const empty = conditions.length === 0;
  const save = async () => {
    const svg = chartSvg(target.current);
    if (!svg) return;
    const legend = conditions.map((c) => ({ label: names(c).short, color: CONDITION_TABLE[c].color, dash: CONDITION_TABLE[c].dash }));
    downloadBlob(
      `subliminal-${name}-${stamp()}.png`,
      await svgToPng(svg, { title, legend, receipt: currentReceipt({ result, run, backend, config }) }),
    );
  };
  return (
    <button
      className="small"
      data-png={name}
      onClick={() => void save()}
      disabled={empty}
      title={
        empty
          ? 'Nothing to save yet: the chart fills in when a run starts'
          : "Save this chart as PNG, with its title, legend and the run's receipt"
      }
    >
      PNG
    </button>
  );
}

/** The finished run's receipt, on the page as in the CLI: what ran, with which kernels per phase, where and how long. */
export function ResultReceipt() {
  const result = useAppState((s) => s.result);
  if (!result) return null;
  return (
    <details className="numbers-table receipt" data-testid="receipt">
      <summary>What ran (the receipt, as the CLI prints it)</summary>
      <pre>{receiptLines(result, runtime()).join('\n')}</pre>
    </details>
  );
}

export function ResultDownloads() {
  const result = useAppState((s) => s.result);
  if (!result) return <span className="hint">JSON and CSV: available when the run finishes (they hold every seed's final result).</span>;
  const base = `subliminal-mnist-${stamp()}`;
  return (
    <>
      <button
        className="small"
        data-testid="download-json"
        onClick={() => downloadText(`${base}.json`, JSON.stringify(toExport(result, runtime()), null, 2), 'application/json')}
      >
        JSON
      </button>
      <button className="small" data-testid="download-csv" onClick={() => downloadText(`${base}.csv`, toCsv(result), 'text/csv')}>
        CSV
      </button>
    </>
  );
}
