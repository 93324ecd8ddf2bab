/** Sizes fixed by MNIST, shared by modules that must not pull in tfjs (the page's main thread uses them). */
export const IMAGE_PIXELS = 784;
export const DIGITS = 10;
