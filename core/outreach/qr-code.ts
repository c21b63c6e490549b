import QRCode from 'qrcode';

/**
 * QR images of a link. Error correction M (15 %) survives a scuffed counter card while keeping
 * the symbol small; the 4-module quiet zone is what the standard asks for and what phone
 * cameras need to find the code on a busy print.
 */
const OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

/** A PNG, `width` pixels square, black on white. */
export function qrPng(text: string, width = 480): Promise<Buffer> {
  return QRCode.toBuffer(text, { ...OPTIONS, type: 'png', width });
}

/** A standalone SVG document (vector: scales to any print size). */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: 'svg' });
}

/** Both images of one link. */
export type QrImages = (text: string) => Promise<{ readonly png: Buffer; readonly svg: string }>;

export const renderQrImages: QrImages = async (text) => {
  const [png, svg] = await Promise.all([qrPng(text), qrSvg(text)]);
  return { png, svg };
};

/**
 * The same images, remembered per link: a QR code depends only on its text, and rendering a
 * PNG costs milliseconds of CPU on every e-mail open otherwise. At most `max` links are kept
 * (the oldest goes first); a failed render is not remembered.
 */
export function cachedQrImages(render: QrImages = renderQrImages, max = 1_000): QrImages {
  const cache = new Map<string, ReturnType<QrImages>>();
  return (text) => {
    const hit = cache.get(text);
    if (hit) return hit;
    const images = render(text);
    cache.set(text, images);
    images.catch(() => cache.delete(text));
    if (cache.size > max) cache.delete(cache.keys().next().value!);
    return images;
  };
}
