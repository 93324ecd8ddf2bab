/** Saving results from the page: text files, and charts (SVG) as PNG with the run's receipt drawn beneath. */

export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(filename: string, text: string, type: string): void {
  downloadBlob(filename, new Blob([text], { type }));
}

const SCALE = 2;
const LINE_HEIGHT = 16;

/** Renders an SVG element to a PNG, white background, receipt lines in small print at the bottom. */
export async function svgToPng(svg: SVGSVGElement, receipt: string[]): Promise<Blob> {
  const box = svg.getBoundingClientRect();
  const width = Math.ceil(box.width);
  const height = Math.ceil(box.height);
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.style.fontFamily = getComputedStyle(svg).fontFamily;
  const source = new XMLSerializer().serializeToString(clone);
  const image = new Image();
  image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(source);
  await image.decode();

  const canvas = document.createElement('canvas');
  canvas.width = width * SCALE;
  canvas.height = (height + 8 + receipt.length * LINE_HEIGHT) * SCALE;
  const context = canvas.getContext('2d')!;
  context.scale(SCALE, SCALE);
  context.fillStyle = 'white';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, width, height);
  context.fillStyle = '#4b5563';
  context.font = '11px system-ui, sans-serif';
  receipt.forEach((line, i) => context.fillText(line, 8, height + 4 + (i + 1) * LINE_HEIGHT - 4, width - 16));
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'));
}
