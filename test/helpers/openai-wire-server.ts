import busboy from 'busboy';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeWav, encodeWav, resamplePcm, tone, type Asr, type Tts } from '../../src/main/core/speech';

// A real local HTTP server speaking the OpenAI wire format (the boundary we cannot reach from here):
// SSE chat completions with tool calls, multipart transcriptions, speech as PCM or WAV. It can use the
// offline flite / soundswallower to make and hear real audio.

export interface WireChatRequest {
  model: string;
  messages: { role: string; content?: string | null; tool_calls?: unknown; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  stream?: boolean;
}

export interface WireChatReply {
  text?: string;
  toolCalls?: { name: string; arguments: string }[];
}

export interface OpenAiWireServerOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Scripted chat; default: echoes the last user message. */
  chat?: (request: WireChatRequest) => WireChatReply;
  /** Synthesises /audio/speech (default: a 440 Hz tone per character, 8 kHz). */
  tts?: Tts;
  /** Recognises /audio/transcriptions with the prompt's lines as the grammar (default: "" always). */
  asr?: Asr;
  /** Bytes per body write when streaming speech (odd on purpose: clients must re-align samples). */
  speechChunkBytes?: number;
}

export interface RecordedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  json?: unknown;
  fields?: Record<string, string>;
  fileBytes?: number;
}

type Route = '/v1/chat/completions' | '/v1/audio/speech' | '/v1/audio/transcriptions';

export interface OpenAiWireServer {
  baseURL: string;
  requests: RecordedRequest[];
  /** The next request to `route` fails with this HTTP status and OpenAI-style error body. */
  failNext(route: Route, status: number, message: string): void;
  /** The next request to `route` sends its first chunk (if streaming) and then hangs until the client leaves. */
  stallNext(route: Route, afterFirstChunk?: boolean): void;
  close(): Promise<void>;
}

function sendError(res: http.ServerResponse, status: number, message: string, code?: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: code ?? null } }),
  );
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

function readMultipart(
  req: http.IncomingMessage,
): Promise<{ fields: Record<string, string>; file?: Buffer }> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let file: Buffer | undefined;
    const bb = busboy({ headers: req.headers, limits: { fileSize: 20_000_000 } });
    bb.on('field', (name, value) => (fields[name] = value));
    bb.on('file', (_name, stream) => {
      const parts: Buffer[] = [];
      stream.on('data', (d: Buffer) => parts.push(d));
      stream.on('end', () => (file = Buffer.concat(parts)));
    });
    bb.on('close', () => resolve({ fields, file }));
    bb.on('error', reject);
    req.pipe(bb);
  });
}

const echo = (r: WireChatRequest): WireChatReply => {
  const last = [...r.messages].reverse().find((m) => m.role === 'user');
  return { text: `You said: ${last?.content ?? ''}` };
};

export async function startOpenAiWireServer(
  options: OpenAiWireServerOptions = {},
): Promise<OpenAiWireServer> {
  const requests: RecordedRequest[] = [];
  const failures = new Map<string, { status: number; message: string }>();
  const stalls = new Map<string, boolean>();
  let ids = 0;

  /** Hangs until the client goes away (the point of a stall: the client must abort). */
  const hang = (req: http.IncomingMessage, res: http.ServerResponse) =>
    new Promise<void>((resolve) => {
      req.socket.once('close', () => resolve());
      res.once('close', () => resolve());
    });

  async function chat(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: WireChatRequest,
  ): Promise<void> {
    const reply = (options.chat ?? echo)(body);
    const id = `chatcmpl-${++ids}`;
    const created = Math.floor(Date.now() / 1000);
    const finish = reply.toolCalls?.length ? 'tool_calls' : 'stop';
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model: body.model,
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: reply.text ?? null,
                tool_calls: reply.toolCalls?.map((c, i) => ({
                  id: `call_${ids}_${i}`,
                  type: 'function',
                  function: { name: c.name, arguments: c.arguments },
                })),
              },
              finish_reason: finish,
            },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (delta: unknown, finishReason: string | null = null, extra: object = {}) =>
      res.write(
        `data: ${JSON.stringify({
          id,
          object: 'chat.completion.chunk',
          created,
          model: body.model,
          choices: [{ index: 0, delta, finish_reason: finishReason }],
          ...extra,
        })}\n\n`,
      );
    send({ role: 'assistant', content: '' });
    if (stalls.get('/v1/chat/completions')) {
      stalls.delete('/v1/chat/completions');
      send({ content: 'Wait' });
      return hang(req, res);
    }
    for (const piece of (reply.text ?? '').split(/(?<= )/)) if (piece) send({ content: piece });
    reply.toolCalls?.forEach((c, i) => {
      send({
        tool_calls: [
          { index: i, id: `call_${ids}_${i}`, type: 'function', function: { name: c.name, arguments: '' } },
        ],
      });
      // Arguments arrive in fragments, as real servers send them.
      for (let at = 0; at < c.arguments.length; at += 7) {
        send({ tool_calls: [{ index: i, function: { arguments: c.arguments.slice(at, at + 7) } }] });
      }
    });
    send({}, finish);
    res.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 } })}\n\n`,
    );
    res.end('data: [DONE]\n\n');
  }

  async function speech(req: http.IncomingMessage, res: http.ServerResponse, body: Record<string, unknown>) {
    const input = typeof body.input === 'string' ? body.input : '';
    const format = body.response_format ?? 'mp3';
    if (!input.trim()) return sendError(res, 400, 'input is required');
    if (format !== 'pcm' && format !== 'wav')
      return sendError(res, 400, `unsupported response_format ${JSON.stringify(format)}`);
    const audio = options.tts
      ? await options.tts.synthesizeAll(input, { sampleRate: 8000 })
      : { pcm: tone(440, 60 * input.length, 8000), sampleRate: 8000 };
    if (format === 'wav') {
      res.writeHead(200, { 'content-type': 'audio/wav' });
      res.end(encodeWav(audio));
      return;
    }
    const pcm = resamplePcm(audio.pcm, 8000, 24000); // OpenAI's pcm is 24 kHz PCM16LE
    res.writeHead(200, { 'content-type': 'audio/pcm' });
    const step = options.speechChunkBytes ?? 4001;
    if (stalls.get('/v1/audio/speech')) {
      stalls.delete('/v1/audio/speech');
      res.write(pcm.subarray(0, step));
      return hang(req, res);
    }
    for (let at = 0; at < pcm.length; at += step) res.write(pcm.subarray(at, at + step));
    res.end();
  }

  async function transcription(res: http.ServerResponse, fields: Record<string, string>, file?: Buffer) {
    if (!file || file.length === 0) return sendError(res, 400, 'file is required');
    if (!fields.model) return sendError(res, 400, 'model is required');
    let audio;
    try {
      audio = decodeWav(file);
    } catch {
      return sendError(res, 400, 'file is not a WAV file');
    }
    let text = '';
    if (options.asr) {
      const phrases = (fields.prompt ?? '').split(/\r?\n/).filter((l) => l.trim());
      if (phrases.length === 0)
        return sendError(res, 400, 'this test server needs the expected phrases as the prompt');
      text = (await options.asr.recognize(audio, { grammar: { phrases } })).text;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ text }));
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const record: RecordedRequest = { path, headers: req.headers };
      requests.push(record);
      if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
        await readBody(req);
        return sendError(res, 401, 'Incorrect API key provided', 'invalid_api_key');
      }
      const failure = failures.get(path);
      if (failure) {
        failures.delete(path);
        await readBody(req);
        return sendError(res, failure.status, failure.message);
      }
      if (req.method !== 'POST') return sendError(res, 404, `no route ${req.method} ${path}`);
      if (path === '/v1/audio/transcriptions') {
        const { fields, file } = await readMultipart(req);
        record.fields = fields;
        record.fileBytes = file?.length;
        return transcription(res, fields, file);
      }
      let json: unknown;
      try {
        json = JSON.parse((await readBody(req)).toString('utf8'));
      } catch {
        return sendError(res, 400, 'body is not JSON');
      }
      record.json = json;
      if (stalls.get(path) === false) {
        stalls.delete(path);
        return hang(req, res);
      }
      if (path === '/v1/chat/completions') return chat(req, res, json as WireChatRequest);
      if (path === '/v1/audio/speech') return speech(req, res, json as Record<string, unknown>);
      return sendError(res, 404, `no route POST ${path}`);
    })().catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, err instanceof Error ? err.message : String(err));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext: (route, status, message) => failures.set(route, { status, message }),
    stallNext: (route, afterFirstChunk = false) => stalls.set(route, afterFirstChunk),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
