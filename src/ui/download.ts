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
const TITLE_HEIGHT = 28;
const LEGEND_HEIGHT = 20;

export interface PngParts {
  title: string;
  legend: { label: string; color: string; dash: string | undefined }[];
  receipt: string[];
}

/** Renders a chart's SVG to a PNG: white background, its title above, a legend and the receipt in small print below. */
export async function svgToPng(svg: SVGSVGElement, { title, legend, receipt }: PngParts): Promise<Blob> {
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
  const legendRows = Math.ceil(legend.length / 3);
  canvas.width = width * SCALE;
  canvas.height = (TITLE_HEIGHT + height + legendRows * LEGEND_HEIGHT + 8 + receipt.length * LINE_HEIGHT) * SCALE;
  const context = canvas.getContext('2d')!;
  context.scale(SCALE, SCALE);
  context.fillStyle = 'white';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#111827';
  context.font = '600 14px system-ui, sans-serif';
  context.fillText(title, 8, 19, width - 16);
  context.drawImage(image, 0, TITLE_HEIGHT, width, height);
  context.font = '12px system-ui, sans-serif';
  legend.forEach(({ label, color, dash }, i) => {
    const x = 8 + (i % 3) * (width / 3);
    const y = TITLE_HEIGHT + height + Math.floor(i / 3) * LEGEND_HEIGHT + 14;
    context.strokeStyle = color;
    context.lineWidth = 3;
    context.setLineDash(dash ? dash.split(' ').map(Number) : []);
    context.beginPath();
    context.moveTo(x, y - 4);
    context.lineTo(x + 16, y - 4);
    context.stroke();
    context.fillStyle = color;
    context.fillText(label, x + 22, y, width / 3 - 30);
  });
  context.fillStyle = '#4b5563';
  context.font = '11px system-ui, sans-serif';
  const top = TITLE_HEIGHT + height + legendRows * LEGEND_HEIGHT + 4;
  receipt.forEach((line, i) => context.fillText(line, 8, top + (i + 1) * LINE_HEIGHT - 4, width - 16));
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'),
  );
}
