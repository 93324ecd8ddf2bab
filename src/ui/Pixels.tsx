/** A 28×28 image drawn pixel for pixel. */
import { useEffect, useRef } from 'react';
import { IMAGE_PIXELS } from '../protocol/constants';

/** `values` from `low` (black) to `high` (white): by default an MNIST input, in [-1, 1]. */
export function Pixels({ values, label, low = -1, high = 1 }: { values: Float32Array; label: string; low?: number; high?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(28, 28);
    for (let i = 0; i < IMAGE_PIXELS; i++) {
      const v = Math.round(((values[i] - low) / (high - low)) * 255);
      image.data.set([v, v, v, 255], i * 4);
    }
    context.putImageData(image, 0, 0);
  }, [values, low, high]);
  return <canvas ref={canvas} width={28} height={28} className="pixels" aria-label={label} role="img" />;
}
