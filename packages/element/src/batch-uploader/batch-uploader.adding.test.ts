/**
 * <batch-uploader> taking files the way staff do (issue 14 §9): a type icon on each row,
 * the page count once processed (the demo server's inspector counts them), files pasted
 * into the element, and the picker's `capture` for phone cameras.
 */
import { cleanUp, equal, expectAccessible, mount, ok, part, parts, pdf, record, settle, until } from '../test/helpers.js';

afterEach(cleanUp);

/** A small PNG drawn on a canvas. */
async function png(name: string): Promise<File> {
  const canvas = new OffscreenCanvas(8, 8);
  canvas.getContext('2d')!.fillRect(0, 0, 4, 4);
  return new File([await canvas.convertToBlob({ type: 'image/png' })], name, { type: 'image/png' });
}

/** The outline of a row's type icon (its path), by file name. */
function typeIcon(el: Element, name: string): string | null {
  const row = parts(el as never, 'file-row').find((r) => r.textContent!.includes(name));
  return row?.querySelector('[part~="file-name"] svg path')?.getAttribute('d') ?? null;
}

describe('<batch-uploader> adding files the way staff do', () => {
  it('shows a PDF or an image icon on each row, and the page count once processed', async () => {
    const el = await mount();
    // A TIFF: an image the browser does not decode, so it keeps its icon (no preview).
    const tiff = new File([new Uint8Array([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0, 0, 0])], 'wound.tiff', { type: 'image/tiff' });
    await el.addFiles([pdf('letter.pdf'), tiff]);
    await settle(el);
    const [pdfIcon, imageIcon] = [typeIcon(el, 'letter.pdf'), typeIcon(el, 'wound.tiff')];
    ok(pdfIcon && imageIcon && pdfIcon !== imageIcon, `two different type icons: ${pdfIcon} / ${imageIcon}`);
    el.session.removeFile(el.session.getState().files[1]!.id);
    await el.addFiles([await png('wound.png')]);
    await settle(el);
    await expectAccessible(el);
    const complete = record(el, 'batch-complete');
    part(el, 'start-button')!.click();
    await until(() => complete[0], 'batch-complete', 20_000);
    await settle(el);
    const size = (name: string) =>
      parts(el, 'file-row')
        .find((r) => r.textContent!.includes(name))!
        .querySelector('[part~="file-size"]')!
        .textContent!.trim();
    ok(/ · 1 page$/.test(size('letter.pdf')), `the PDF's page count: "${size('letter.pdf')}"`);
    ok(/ · 1 page$/.test(size('wound.png')), `an image is one page: "${size('wound.png')}"`);
  });

  it('shows a small preview of an image, decoded off the main thread, drawn on a canvas, gone with its file', async () => {
    const el = await mount();
    const broken = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])], 'torn.png', { type: 'image/png' });
    await el.addFiles([await png('wound.png'), pdf('letter.pdf'), broken]);
    const preview = await until(() => part<HTMLCanvasElement>(el, 'file-thumbnail'), 'a preview');
    await settle(el);
    equal(preview.width, 48, 'small: 48 pixels across');
    const pixels = preview.getContext('2d')!.getImageData(0, 0, preview.width, preview.height).data;
    ok(
      pixels.some((value, i) => i % 4 === 3 && value > 0),
      'the image is drawn',
    );
    equal(preview.getAttribute('aria-hidden'), 'true', 'decoration: the name says what the file is');
    ok(preview.closest('[part~="file-row"]')!.textContent!.includes('wound.png'), 'on the row of the image');
    equal(parts(el, 'file-thumbnail').length, 1, 'one preview: none for a PDF or an image that cannot be decoded');
    ok(typeIcon(el, 'torn.png'), 'an image that cannot be decoded keeps its icon');
    await expectAccessible(el);

    el.session.removeFile(el.session.getState().files.find((f) => f.name === 'wound.png')!.id);
    await settle(el);
    equal(parts(el, 'file-thumbnail').length, 0, 'the preview went with its file');
    const stored = JSON.stringify([Object.entries(sessionStorage), Object.entries(localStorage)]);
    ok(!/wound/.test(stored), `nothing of it in browser storage: ${stored}`);
  });

  it('adds files pasted while focus is in the element; text pasted into the Patient ID field stays text', async () => {
    const el = await mount();
    const added = record(el, 'batch-files-added');
    const transfer = new DataTransfer();
    transfer.items.add(pdf('pasted.pdf'));
    part(el, 'drop-zone')!.focus();
    const paste = new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, composed: true, cancelable: true });
    part(el, 'drop-zone')!.dispatchEvent(paste);
    await until(() => added[0], 'batch-files-added');
    equal(
      added[0]!.files.map((f) => f.name),
      ['pasted.pdf'],
    );
    ok(paste.defaultPrevented, 'the browser does nothing else with it');
    const text = new DataTransfer();
    text.setData('text/plain', 'P-1001');
    const textPaste = new ClipboardEvent('paste', { clipboardData: text, bubbles: true, composed: true, cancelable: true });
    part(el, 'patient-input')!.dispatchEvent(textPaste);
    ok(!textPaste.defaultPrevented, 'a text paste goes on to the field');
    equal(added.length, 1);
  });

  it('gives the file picker the capture attribute only when set', async () => {
    const plain = await mount();
    equal(plain.shadowRoot!.querySelector('input[type=file]:not([webkitdirectory])')!.hasAttribute('capture'), false);
    const camera = await mount({ capture: 'environment' });
    equal(camera.shadowRoot!.querySelector('input[type=file]:not([webkitdirectory])')!.getAttribute('capture'), 'environment');
    equal(camera.shadowRoot!.querySelector('input[webkitdirectory]')!.hasAttribute('capture'), false, 'not on the folder picker');
  });
});
