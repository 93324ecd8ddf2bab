/** A fixed offset in [−0.5, 0.5) for seed dot i (golden-ratio steps, the same for every seed count), so the seeds of one value do not hide each other. */
export const jitter = (i: number) => ((i * 0.618034) % 1) - 0.5;
