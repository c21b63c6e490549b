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
