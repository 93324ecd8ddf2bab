/** Sizes fixed by MNIST, shared by modules that must not pull in tfjs (the page's main thread uses them). */
export const IMAGE_PIXELS = 784;
export const DIGITS = 10;

/** A pixel's input to the models: its byte (0–255, or a fractional intensity on that scale) as x/255·2−1, so [-1, 1]. */
export const pixelInput = (byte: number): number => (byte / 255) * 2 - 1;

/** pixelInput of every byte, in float32: what every path (host, GPU, page) feeds the models. */
export const PIXEL_INPUTS = Float32Array.from({ length: 256 }, (_, byte) => pixelInput(byte));
