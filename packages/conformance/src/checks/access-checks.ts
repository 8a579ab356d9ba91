import type { LimitsResponse } from '@batch-uploader/protocol';
import { CheckFailure, RunStopped, type Check, type CheckContext } from '../check.js';
import type { Answer } from '../contract/contract.js';
import { NetworkError, type Caller } from '../http/api-client.js';
import { expectStatus } from './support.js';

/** A bearer token no server hands out. */
const WRONG_TOKEN = 'conformance-kit-not-a-valid-token-0123456789';

/** An answer to `GET /limits`, and why it does not match the document (null when it does). */
interface Probe {
  status: number;
  answer: Answer | null;
  problem: string | null;
}

/** `GET /limits` as a caller; a server that cannot be reached, or is not the API, stops the run. */
async function limitsAs(context: CheckContext, caller: Caller): Promise<Probe> {
  let res: Response;
  try {
    res = await context.api.request('GET', '/limits', { caller });
  } catch (error) {
    if (error instanceof NetworkError) throw new RunStopped(`cannot reach ${context.api.base}: ${error.message}`);
    throw error;
  }
  if (res.status === 404) {
    await res.body?.cancel();
    throw new RunStopped(`GET /limits answered 404: is ${context.api.base} the base URL of the batch API (such as http://localhost:3000/api/gp)?`);
  }
  try {
    return { status: res.status, answer: await context.contract.answer('GET', '/limits', res), problem: null };
  } catch (error) {
    if (error instanceof CheckFailure) return { status: res.status, answer: null, problem: error.message };
    throw error;
  }
}

/** The probe's answer with the expected status (and code), or a failure saying what came. */
function expectProbe(probe: Probe, label: string, status: number, code?: string): void {
  if (probe.problem !== null) throw new CheckFailure(probe.problem);
  expectStatus(probe.answer!, label, status, code);
}

const auth: Check = {
  id: 'auth',
  title:
    'With --token, requests carry it as a bearer token and the server takes it; without a valid token, a server that requires one answers 401 UNAUTHORIZED with the error envelope',
  required: true,
  async run(context) {
    const anonymous = await limitsAs(context, 'anonymous');
    const requiresToken = anonymous.status === 401;
    if (requiresToken && !context.api.hasToken) {
      let how = 'with the error envelope';
      try {
        expectProbe(anonymous, 'GET /limits without a token', 401, 'UNAUTHORIZED');
      } catch (error) {
        if (!(error instanceof CheckFailure)) throw error;
        how = `but not as the document gives it (${error.message})`;
      }
      throw new RunStopped(`the server requires a token: without one it answers 401 UNAUTHORIZED ${how}. Run again with --token T.`);
    }
    if (!context.api.hasToken) {
      expectProbe(anonymous, 'GET /limits without a token', 200);
      return 'the server answers without a token (it requires none)';
    }
    const withToken = await limitsAs(context, 'run');
    if (withToken.status === 401) throw new RunStopped('the server refused the token given with --token: GET /limits answered 401');
    expectProbe(withToken, 'GET /limits with the token', 200);
    if (!requiresToken) {
      expectProbe(anonymous, 'GET /limits without a token', 200);
      return 'the server takes the token, and also answers without one (it requires none)';
    }
    expectProbe(anonymous, 'GET /limits without a token', 401, 'UNAUTHORIZED');
    const wrong = await limitsAs(context, { bearer: WRONG_TOKEN });
    if (wrong.status === 200) throw new CheckFailure('GET /limits with a made-up bearer token answered 200: the server does not check tokens');
    expectProbe(wrong, 'GET /limits with a wrong token', 401, 'UNAUTHORIZED');
    return 'the bearer token is taken; without it, or with a wrong one, the server answers 401 UNAUTHORIZED with the error envelope';
  },
};

const limits: Check = {
  id: 'limits',
  title: 'GET /limits answers max_files, max_file_size and accepted_types as the document gives',
  required: true,
  async run(context) {
    const answer = await context.contract.answer('GET', '/limits', await context.api.request('GET', '/limits'));
    expectStatus(answer, 'GET /limits', 200);
    const { limits: found } = answer.body as LimitsResponse;
    context.state.limits = found;
    const mb = Math.round((found.max_file_size / 1024 / 1024) * 10) / 10;
    return `${found.max_files} files, ${mb} MB a file, ${found.accepted_types.join(', ')}`;
  },
};

/** Access to the API and what it accepts. */
export const accessChecks: readonly Check[] = [auth, limits];
