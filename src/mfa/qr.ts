/** The enrolment QR code, drawn on the server as an image (a data: URL the CSP's img-src allows): no script. */
import QRCode from 'qrcode';

export const qrDataUrl = (text: string): Promise<string> => QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
