// scan.js: QR codes read with jsQR (vendor/jsQR.js, a classic script that
// defines window.jsQR): from the camera's video, or from a picture.

/** decodeImage is the text of the QR code in a canvas's image, or null. */
function decodeImage(canvas) {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const code = window.jsQR(img.data, img.width, img.height, { inversionAttempts: 'attemptBoth' });
  return code && code.data ? code.data : null;
}

/**
 * maxSide is the longest side, in pixels, a picture is read at: a QR code
 * that fills a fair part of a picture stays readable, and a phone's photo
 * (4000 pixels and more) no longer holds the page for many seconds.
 */
const maxSide = 1600;

/**
 * decodePicture is the text of the QR code in a picture file, or null (none
 * found, or not a picture the browser decodes). The picture is decoded off
 * the page's thread and read at most maxSide pixels on its longest side.
 */
export async function decodePicture(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return null;
  }
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return decodeImage(canvas);
}

/**
 * Scanner shows the camera in a video element and looks for a QR code in
 * its frames, a few times a second, until found (found(text) is called
 * once) or stopped.
 */
export class Scanner {
  constructor(video, found) {
    this.video = video;
    this.found = found;
    this.stream = null;
    this.timer = 0;
    this.canvas = document.createElement('canvas');
  }

  /** start opens the camera (the one facing away, where there is a choice). */
  async start() {
    this.stop();
    this.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    this.video.srcObject = this.stream;
    await this.video.play();
    this.timer = setInterval(() => this.frame(), 200);
  }

  frame() {
    const v = this.video;
    if (!this.stream || v.readyState < 2 || v.videoWidth === 0) return;
    this.canvas.width = v.videoWidth;
    this.canvas.height = v.videoHeight;
    this.canvas.getContext('2d', { willReadFrequently: true }).drawImage(v, 0, 0);
    const text = decodeImage(this.canvas);
    if (text !== null) {
      this.stop();
      this.found(text);
    }
  }

  /** stop closes the camera. */
  stop() {
    clearInterval(this.timer);
    this.timer = 0;
    if (this.stream) {
      for (const t of this.stream.getTracks()) t.stop();
      this.stream = null;
    }
    this.video.srcObject = null;
  }
}
