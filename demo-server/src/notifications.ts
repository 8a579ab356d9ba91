import type { EmailOptions } from '@batch-uploader/server';
import type { DemoConfig } from './config.js';

/**
 * The engine's batch email options from the configuration: the same recipients for every
 * workspace, and, with `PUBLIC_URL`, a link to the upload page carrying only the batch id
 * (in the fragment, which browsers never send to a server). Null without `SMTP_URL`.
 */
export function emailOptions(config: DemoConfig): EmailOptions | null {
  const { smtpUrl, notifyEmailFrom, notifyEmailTo, smtpCa, publicUrl } = config;
  if (!smtpUrl || !notifyEmailFrom || notifyEmailTo.length === 0) return null;
  return {
    smtpUrl,
    from: notifyEmailFrom,
    recipients: notifyEmailTo,
    ca: smtpCa,
    batchLink: publicUrl ? ({ batch_id }) => `${publicUrl}/batch-upload#batch=${encodeURIComponent(batch_id)}` : null,
  };
}
