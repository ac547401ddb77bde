// Photos for the end-to-end tests (issue 24), made here rather than kept as files: a JPEG
// drawn by the browser, then given what a phone's photo carries in its EXIF (Exif 2.32, a TIFF
// structure in an APP1 segment after the start of image): the camera's make, an orientation,
// and a GPS position. And readers for what was stored: its size and whether any EXIF is left.

/** Bytes of a JPEG, `width` by `height`, its left half red and its right half blue, drawn
 *  and encoded by the page's browser; with `grain`, every pixel varied as a camera's sensor
 *  varies them, so it weighs what a photo weighs. */
export async function drawnJpeg(page, width, height, { grain = false } = {}) {
  const base64 = await page.evaluate(([w, h, grain]) => {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#d00000';
    ctx.fillRect(0, 0, w / 2, h);
    ctx.fillStyle = '#0000d0';
    ctx.fillRect(w / 2, 0, w / 2, h);
    if (grain) {
      const image = ctx.getImageData(0, 0, w, h);
      let seed = 1;
      for (let i = 0; i < image.data.length; i += 1) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        if (i % 4 !== 3) image.data[i] = Math.max(0, Math.min(255, image.data[i] + (seed % 61) - 30));
      }
      ctx.putImageData(image, 0, 0);
    }
    return canvas.toDataURL('image/jpeg', 0.9).split(',')[1];
  }, [width, height, grain]);
  return Buffer.from(base64, 'base64');
}

/** What the EXIF says: a camera make and a place, as a phone writes them. */
export const MAKE = 'ExampleCam';

/** The JPEG with an EXIF APP1 segment spliced in after its start of image: IFD0 holding the
 *  make, `orientation` (1 upright, 6 turned a quarter clockwise) and a pointer to a GPS IFD
 *  holding latitude 51° 30' 0" N. Big-endian ("MM"). */
export function withExif(jpeg, { orientation = 1 } = {}) {
  const make = Buffer.from(`${MAKE}\0`, 'latin1');
  // Offsets from the start of the TIFF header.
  const ifd0 = 8;
  const ifd0Size = 2 + 3 * 12 + 4;
  const makeAt = ifd0 + ifd0Size;
  const gpsIfd = makeAt + make.length + (make.length % 2);
  const gpsIfdSize = 2 + 2 * 12 + 4;
  const latitudeAt = gpsIfd + gpsIfdSize;
  const tiff = Buffer.alloc(latitudeAt + 24);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(ifd0, 4);
  const entry = (at, tag, type, count, value) => {
    tiff.writeUInt16BE(tag, at);
    tiff.writeUInt16BE(type, at + 2);
    tiff.writeUInt32BE(count, at + 4);
    if (type === 3) tiff.writeUInt16BE(value, at + 8);
    else tiff.writeUInt32BE(value, at + 8);
  };
  tiff.writeUInt16BE(3, ifd0);
  entry(ifd0 + 2, 0x010f, 2, make.length, makeAt); // Make, ASCII
  entry(ifd0 + 14, 0x0112, 3, 1, orientation); // Orientation, SHORT
  entry(ifd0 + 26, 0x8825, 4, 1, gpsIfd); // GPSInfo IFD pointer, LONG
  make.copy(tiff, makeAt);
  tiff.writeUInt16BE(2, gpsIfd);
  tiff.writeUInt16BE(0x0001, gpsIfd + 2); // GPSLatitudeRef, ASCII "N"
  tiff.writeUInt16BE(2, gpsIfd + 4);
  tiff.writeUInt32BE(2, gpsIfd + 6);
  tiff.write('N\0', gpsIfd + 10, 'latin1');
  entry(gpsIfd + 14, 0x0002, 5, 3, latitudeAt); // GPSLatitude, 3 RATIONAL
  [[51, 1], [30, 1], [0, 1]].forEach(([n, d], i) => {
    tiff.writeUInt32BE(n, latitudeAt + i * 8);
    tiff.writeUInt32BE(d, latitudeAt + i * 8 + 4);
  });
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, body, jpeg.subarray(2)]);
}

/** The segments of a JPEG before its image data, by marker: [{ marker, data }]. */
export function segments(jpeg) {
  if (jpeg.readUInt16BE(0) !== 0xffd8) throw new Error('not a JPEG');
  const found = [];
  for (let at = 2; at + 4 <= jpeg.length;) {
    const marker = jpeg.readUInt16BE(at);
    const length = jpeg.readUInt16BE(at + 2);
    found.push({ marker, data: jpeg.subarray(at + 4, at + 2 + length) });
    if (marker === 0xffda) break; // start of scan: the image data follows
    at += 2 + length;
  }
  return found;
}

/** Width and height from the JPEG's start of frame. */
export function size(jpeg) {
  const frame = segments(jpeg).find(({ marker }) => marker >= 0xffc0 && marker <= 0xffcf && ![0xffc4, 0xffc8, 0xffcc].includes(marker));
  return { width: frame.data.readUInt16BE(3), height: frame.data.readUInt16BE(1) };
}

/** Whether the JPEG carries EXIF (an APP1 segment starting "Exif"). */
export const hasExif = (jpeg) => segments(jpeg).some(({ marker, data }) => marker === 0xffe1 && data.subarray(0, 4).toString('latin1') === 'Exif');
