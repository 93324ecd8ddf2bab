/**
 * What else decides it? Recorded one-axis sweeps at the classroom settings, each drawn as the
 * aux-only student from the teacher's start and from a different one at every value, beside one
 * sentence on what the literature reports and whether this recording agrees (the numbers it quotes
 * are held to the files by atlasFigures.test.ts). A chunk of its own, fetched when the section is
 * first opened; each file a chunk of its own again. A visitor's own sweep over one of the settings
 * drawn here is drawn the same way.
 */
import { atlasFigure, ATLAS_STUDENTS, type AtlasFigure } from '../protocol/atlasFigures';
import { CONDITION_TABLE } from '../protocol/conditions';
import type { ConfigKey } from '../protocol/config';
import { estimateText, INTERVAL_NAME } from '../protocol/format';
import type { SweepFile } from '../protocol/sweep';
import { NumbersTable } from './chart/NumbersTable';
import { SlotChart } from './chart/SlotChart';
import { OpenSweep, readSweeps, SweepReceiptLine, sweepProblem, useSweepFiles, type SweepLoader } from './Sweeps';

interface AtlasEntry {
  id: string;
  title: string;
  /** The settings its files vary, one each. */
  axes: ConfigKey[];
  /** Its recorded files, in the order their values are drawn. */
  load: readonly SweepLoader[];
  /** What the literature reports and whether this recording agrees. */
  sentence: string;
}

/** The atlas: a figure per entry. A new figure is one more entry. */
const ATLAS: AtlasEntry[] = [
  {
    id: 'width',
    title: 'How wide? Every hidden layer 32 to 2,048 units wide',
    axes: ['hidden'],
    load: [() => import('../../docs/results/sweep-atlas-width.json')],
    sentence:
      'Miyamoto, Nagashima and Jiang (2025) report that wider hidden layers transfer less, which they relate to the NTK regime; here that holds above the classroom’s 256 units, where the shared student falls from 75.7% to 24.7% at 1,024 and to chance, 11.2%, at 2,048 while the teacher gets better, but not below them: at 32 units it reaches only 47.7%.',
  },
  {
    id: 'noise',
    title: 'Which noise? Uniform, Gaussian, or uniform noise blurred by σ = 0.5, 1 or 2 pixels',
    axes: ['noise', 'noiseBlur'],
    load: [() => import('../../docs/results/sweep-atlas-noise.json'), () => import('../../docs/results/sweep-atlas-blur.json')],
    sentence:
      'Learning Through Noise (2026) draws uniform, Gaussian or Perlin noise, and independent replications find that the noise matters; here its spread hardly does (Gaussian noise, three times the variance, gives 73.4% against uniform noise’s 75.7%) but its spatial correlation does: blurred by σ = 1 pixel at the same variance it carries 82.5%, by σ = 2 no more than uniform noise (76.7%), and from a different start every noise leaves the student at chance.',
  },
  {
    id: 'depth',
    title: 'How deep? One to four hidden layers, each 256 units wide',
    axes: ['depth'],
    load: [() => import('../../docs/results/sweep-atlas-depth.json')],
    sentence:
      'Miyamoto, Nagashima and Jiang (2025) report that more or fewer layers change little, and Learning Through Noise (2026) adds and removes a student layer; here one hidden layer carries as much as the paper’s two (75.5% against 75.7%), but a third and a fourth take about ten points off (65.2%, 63.3%) while the teacher stays near 89%, and from a different start every depth stays at chance.',
  },
];

/** Every setting the atlas draws: a visitor's sweep over one of them is drawn as the atlas draws it. */
const ATLAS_AXES = ATLAS.flatMap((entry) => entry.axes);

const NAMES = {
  shared: 'aux-only student, from the teacher’s start',
  different: 'aux-only student, from a different start',
};

/** One figure of the atlas: both students at every value, the teacher as a bar. */
function AtlasChart({ figure, testId }: { figure: AtlasFigure; testId: string }) {
  const starts = (['shared', 'different'] as const).filter((start) => figure.values.some((v) => v[start] !== null));
  return (
    <SlotChart
      axis={figure.axis}
      values={figure.values.map((v) => v.label)}
      series={starts.map((start) => ({
        condition: ATLAS_STUDENTS[start],
        name: NAMES[start],
        points: figure.values.map((v) => v[start]),
      }))}
      joined={figure.ordered}
      teacher={figure.values.map((v) => v.teacher?.mean ?? null)}
      testId={testId}
    />
  );
}

/** A figure's numbers: a row per value, both students and the teacher. */
function AtlasNumbers({ figure }: { figure: AtlasFigure }) {
  const columns = [
    { key: 'shared', name: NAMES.shared },
    { key: 'different', name: NAMES.different },
    { key: 'teacher', name: CONDITION_TABLE.teacher.label },
  ] as const;
  const rows = figure.values.map((v) => ({
    label: v.label,
    cells: columns.map((c) => {
      const estimate = v[c.key];
      return estimate ? `${estimateText(estimate)} (${estimate.seeds.length} seeds)` : null;
    }),
  }));
  return <NumbersTable caption={`Accuracy by ${figure.axis}, mean ± ${INTERVAL_NAME}`} axis={figure.axis} columns={columns} rows={rows} />;
}

function RecordedFigure({ entry }: { entry: AtlasEntry }) {
  const files = useSweepFiles(entry.load);
  const figure = readSweeps(files, (loaded) => atlasFigure(loaded, entry.axes));
  return (
    <figure className="sweep atlas-figure" data-testid={`atlas-${entry.id}`}>
      <figcaption>{entry.title} (recorded)</figcaption>
      {figure === null ? (
        <p className="empty">Loading…</p>
      ) : figure instanceof Error ? (
        sweepProblem(`The ${entry.id} sweep`, figure)
      ) : (
        <>
          <div className="atlas-row">
            <AtlasChart figure={figure} testId="atlas-figure" />
            <p className="atlas-sentence">{entry.sentence}</p>
          </div>
          <div className="hint">
            {(files as SweepFile[]).map((file, i) => (
              <p key={i}>
                <SweepReceiptLine file={file} />
              </p>
            ))}
            <AtlasNumbers figure={figure} />
          </div>
        </>
      )}
    </figure>
  );
}

export function Atlas() {
  return (
    <div className="atlas sweeps" data-testid="atlas">
      <p className="hint">
        Beyond how alike the starts are, what shapes the transfer? Each figure is a sweep of one setting recorded at the classroom settings
        (m = 10, 12,000 images, the teacher 2 epochs, the students 3 on 12,000 noise images), 10 seeds per value, each seed with its own
        teacher, data order and noise: at every value, the aux-only student from the teacher's own start and from a different one.
      </p>
      {ATLAS.map((entry) => (
        <RecordedFigure key={entry.id} entry={entry} />
      ))}
      <OpenSweep
        read={(sweep) => atlasFigure([sweep], ATLAS_AXES)}
        testId="atlas-open"
        what={`a sweep of your own over ${ATLAS_AXES.slice(0, -1).join(', ')} or ${ATLAS_AXES.at(-1)}`}
      >
        {({ sweep, figure }) => (
          <>
            <AtlasChart figure={figure} testId="atlas-figure" />
            <div className="hint">
              <SweepReceiptLine file={sweep} />
              <AtlasNumbers figure={figure} />
            </div>
          </>
        )}
      </OpenSweep>
    </div>
  );
}
