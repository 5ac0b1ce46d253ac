/** The content types an upload may have, each with the leading bytes that prove it. */
export const allowedFileTypes = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'] as const;
export type FileContentType = (typeof allowedFileTypes)[number];

/** Whether a content type (parameters ignored, any case) is one we accept. */
export function acceptedType(contentType: string | undefined): FileContentType | undefined {
  const bare = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return allowedFileTypes.find((t) => t === bare);
}

const heicBrands = new Set(['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1', 'heim', 'heis']);

/** Whether the bytes start like the claimed type: a renamed HTML page must not be served back as an image. */
export function bytesMatch(type: FileContentType, body: Buffer): boolean {
  switch (type) {
    case 'image/jpeg':
      return body.length > 3 && body[0] === 0xff && body[1] === 0xd8 && body[2] === 0xff;
    case 'image/png':
      return body.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case 'image/webp':
      return body.subarray(0, 4).toString('latin1') === 'RIFF' && body.subarray(8, 12).toString('latin1') === 'WEBP';
    case 'image/heic':
      // ISO BMFF: a box of type `ftyp` at offset 4, then the major brand (ISO/IEC 23008-12 brands).
      return body.subarray(4, 8).toString('latin1') === 'ftyp' && heicBrands.has(body.subarray(8, 12).toString('latin1'));
    case 'application/pdf':
      return body.subarray(0, 5).toString('latin1') === '%PDF-';
  }
}

/** A file name safe to keep and to put in a Content-Disposition header: no path, no control characters, bounded. */
export function cleanFileName(name: string | undefined, type: FileContentType): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim()
    .slice(0, 200);
  if (cleaned) return cleaned;
  const ext = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/heic': 'heic', 'application/pdf': 'pdf' }[type];
  return `file.${ext}`;
}
