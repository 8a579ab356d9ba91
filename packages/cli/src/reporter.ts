import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';

/** What the CLI tells the person running it while it works. */
export interface Reporter {
  /** A line that stays (warnings, refused files, batch created). */
  line(text: string): void;
  /** Upload progress of all batches: file bytes sent of all to send. */
  uploadProgress(sent: number, total: number): void;
  /** Processing progress of all batches: files finished of all accepted. */
  processingProgress(finished: number, total: number): void;
  /** Removes live output before the summary. */
  stop(): void;
}

/** Live bars that redraw in place, for a terminal. */
export function createTtyReporter(stream: Writable): Reporter {
  const bars = new cliProgress.MultiBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: ' {label} |{bar}| {percentage}% | {detail}',
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const upload = bars.create(1, 0, { label: 'Uploading ', detail: '' });
  const processing = bars.create(1, 0, { label: 'Processing', detail: '' });
  return {
    line: (text) => bars.log(`${text}\n`),
    uploadProgress: (sent, total) => {
      upload.setTotal(Math.max(total, 1));
      upload.update(sent, { detail: `${megabytes(sent)} of ${megabytes(total)}` });
    },
    processingProgress: (finished, total) => {
      processing.setTotal(Math.max(total, 1));
      processing.update(finished, { detail: `${finished} of ${total} files` });
    },
    stop: () => bars.stop(),
  };
}

/** Plain lines for logs and pipes: progress at every tenth, nothing redrawn. */
export function createPlainReporter(stream: Writable): Reporter {
  let uploadStep = -1;
  let processingStep = -1;
  const write = (text: string) => stream.write(`${text}\n`);
  return {
    line: write,
    uploadProgress: (sent, total) => {
      const step = total === 0 ? 10 : Math.floor((sent * 10) / total);
      if (step === uploadStep) return;
      uploadStep = step;
      write(`uploading: ${step * 10}% (${megabytes(sent)} of ${megabytes(total)})`);
    },
    processingProgress: (finished, total) => {
      const step = total === 0 ? 10 : Math.floor((finished * 10) / total);
      if (step === processingStep) return;
      processingStep = step;
      write(`processing: ${finished} of ${total} files finished`);
    },
    stop: () => {},
  };
}

function megabytes(bytes: number): string {
  if (bytes < 1_048_576) return `${Math.ceil(bytes / 1024)} kB`;
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}
