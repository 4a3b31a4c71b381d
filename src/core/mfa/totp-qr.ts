// src/core/mfa — QR renderings of an otpauth:// URL: the base64 PNG that
// identity/mfa/method/totp/generate returns as `barcode`, and a terminal rendering for the
// CLI. The URL carries the TOTP secret, so neither rendering may be logged.
import QRCode from 'qrcode';

/** Base64 PNG of `url`, `size` pixels wide. */
export async function totpBarcodePng(url: string, size: number): Promise<string> {
  const png = await QRCode.toBuffer(url, { type: 'png', width: size, margin: 1, errorCorrectionLevel: 'M' });
  return png.toString('base64');
}

/** The QR code as text for a terminal (small half-block form). */
export function totpTerminalQr(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'terminal', small: true });
}
