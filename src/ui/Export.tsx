/** Export buttons: the result as JSON and CSV (same schema as the CLI), any chart as PNG with its receipt. */
import type { RefObject } from 'react';
import { CONFIG_KEYS, valueText } from '../protocol/config';
import { receiptLines, toCsv, toExport } from '../protocol/export';
import type { AppState } from '../store/state';
import { downloadBlob, downloadText, svgToPng } from './download';
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

export function PngButton({ target, name }: { target: RefObject<HTMLElement | SVGSVGElement | null>; name: string }) {
  const result = useAppState((s) => s.result);
  const run = useAppState((s) => s.run);
  const backend = useAppState((s) => s.backend);
  const config = useAppState((s) => s.config);
  const save = async () => {
    const node = target.current;
    const svg = node instanceof SVGSVGElement ? node : node?.querySelector('svg.recharts-surface, svg');
    if (!(svg instanceof SVGSVGElement)) return;
    downloadBlob(`subliminal-${name}-${stamp()}.png`, await svgToPng(svg, currentReceipt({ result, run, backend, config })));
  };
  return (
    <button className="small" onClick={() => void save()} title="Save this chart as PNG, with the run's receipt">
      PNG
    </button>
  );
}

export function ResultDownloads() {
  const result = useAppState((s) => s.result);
  if (!result) return <span className="hint">JSON and CSV downloads appear when the run finishes.</span>;
  const base = `subliminal-mnist-${stamp()}`;
  return (
    <>
      <button className="small" data-testid="download-json" onClick={() => downloadText(`${base}.json`, JSON.stringify(toExport(result, runtime()), null, 2), 'application/json')}>
        JSON
      </button>
      <button className="small" data-testid="download-csv" onClick={() => downloadText(`${base}.csv`, toCsv(result), 'text/csv')}>
        CSV
      </button>
    </>
  );
}
