/**
 * What the atlas ("What else decides it?") draws, read from recorded one-axis sweep files: for each
 * value of a setting, the aux-only student from the teacher's own start and from a different one,
 * and the teacher, each as the file's summary (mean and Student-t interval over seeds) with the
 * seeds themselves. One figure may join several files at the same settings (the noise kinds and
 * the blurred noise's widths are one figure); a file of another shape is refused with what it lacks.
 */
import type { StudentCondition } from './conditions';
import { CONFIG_SCHEMA, flagOf, needsOf, type Config, type ConfigKey } from './config';
import { estimateAt, type Estimate } from './partsFigures';
import { sweepCommand, type AxisValue, type SweepFile } from './sweep';

/** The students the atlas compares: imitating the auxiliary logits alone, from the teacher's start and from a different one. */
export const ATLAS_STUDENTS = { shared: 'aux-shared', different: 'aux-different' } as const satisfies Record<string, StudentCondition>;

export interface AtlasValue {
  /** The value as the figure names it: "256", "gaussian", "blur 0.5". */
  label: string;
  key: ConfigKey;
  value: AxisValue;
  shared: Estimate | null;
  different: Estimate | null;
  /** The teacher at this value (a wider teacher is another teacher; the noise leaves it as it is). */
  teacher: Estimate | null;
}

export interface AtlasFigure {
  /** The setting across, in words. */
  axis: string;
  values: AtlasValue[];
  /** Numbers of one setting, in an order a line may join; kinds of noise are not. */
  ordered: boolean;
  /** A command per file, that records it again. */
  commands: string[];
}

/** A value as the atlas names it: a blurred noise by its σ in pixels, whichever setting gave it. */
export function atlasLabel(key: ConfigKey, value: AxisValue, config: Config): string {
  if (key === 'noiseBlur') return `blur ${value}`;
  if (key === 'noise' && value === 'blur') return `blur ${config.noiseBlur}`;
  return String(value);
}

/** The settings files joined in one figure may differ in: what they vary, and what gives those effect (noise, for noiseBlur). */
function differences(files: readonly SweepFile[]): ConfigKey[] {
  const varied = files.flatMap((file) => file.axes.map((a) => a.key));
  const free = new Set([...varied, ...varied.flatMap((key) => needsOf(key)?.key ?? [])]);
  const [first, ...rest] = files;
  const keys = Object.keys(first.config) as ConfigKey[];
  return keys.filter((key) => !free.has(key) && rest.some((file) => file.config[key] !== first.config[key]));
}

/**
 * One-axis sweeps over the settings in `axes`, drawn as one figure: their values in the files'
 * order, one after another. Refuses a sweep over another setting or over two, files that differ in
 * more than what they vary, and a sweep without the aux-only students from both starts.
 */
export function atlasFigure(files: readonly SweepFile[], axes: readonly ConfigKey[]): AtlasFigure {
  if (files.length === 0) throw new Error('no sweep to draw');
  for (const file of files) {
    const keys = file.axes.map((a) => a.key);
    if (keys.length !== 1 || !axes.includes(keys[0]))
      throw new Error(`this sweep varies ${keys.join(' and ') || 'nothing'}; the atlas draws a sweep over one of ${axes.join(', ')}`);
  }
  const differ = differences(files);
  if (differ.length > 0)
    throw new Error(
      `these sweeps differ in ${differ.map(flagOf).join(', ')} besides what they vary: one figure draws sweeps at one setting`,
    );
  const values = files.flatMap((file) => {
    const [{ key, values }] = file.axes;
    return values.map((value) => ({
      label: atlasLabel(key, value, file.config),
      key,
      value,
      shared: estimateAt(file, { [key]: value }, ATLAS_STUDENTS.shared),
      different: estimateAt(file, { [key]: value }, ATLAS_STUDENTS.different),
      teacher: estimateAt(file, { [key]: value }, 'teacher'),
    }));
  });
  if (values.every((v) => v.shared === null && v.different === null))
    throw new Error('this sweep holds no aux-only student from the shared or a different start (give --init both --distill aux)');
  const ordered = files.length === 1 && values.every((v) => typeof v.value === 'number');
  return { axis: CONFIG_SCHEMA[files[0].axes[0].key].label, values, ordered, commands: files.map(sweepCommand) };
}
