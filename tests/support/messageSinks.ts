// Real receivers for the outbox sender in tests: an SMTP server (smtp-server) that parses what it
// accepts, and an HTTP server standing in for an SMS gateway and the WeCom / DingTalk robots.
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

// The stand-ins listen on loopback, which the outbound guard refuses unless the operator allows it;
// child processes (the sender in senderCrash) inherit it.
process.env.OUTBOUND_ALLOWED_HOSTS ??= '127.0.0.1';

export interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
}

export interface SmtpSink {
  port: number;
  url: string;
  mails: ReceivedMail[];
  /** Resolves when a client has started sending a message's DATA (while `holdData` keeps it there). */
  dataStarted(): Promise<void>;
  /** Connections whose DATA the server gave up on (the client went away before it was accepted). */
  aborted: number;
  close(): Promise<void>;
}

/**
 * `rejectRecipients` answer 550 (a bounce); with `holdData` the server reads a message's DATA but does not
 * answer until the client disconnects — a sender killed there never had its message accepted.
 */
export async function startSmtpSink(options: { rejectRecipients?: string[]; holdData?: boolean } = {}): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const waiting: Array<() => void> = [];
  let holding = options.holdData ?? false;
  const sink = {} as SmtpSink;
  sink.aborted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipients?.includes(address.address)) return callback(Object.assign(new Error('5.1.1 no such mailbox'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (holding) {
          holding = false;
          waiting.splice(0).forEach((w) => w());
          // Never answered: the sender is killed while it waits for the server's 250.
          sink.aborted++;
          return;
        }
        const parsed = await simpleParser(Buffer.concat(chunks));
        mails.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(sink, {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    dataStarted: () => new Promise<void>((resolve) => waiting.push(resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

export interface HookRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
}

export interface HookServer {
  url: string;
  requests: HookRequest[];
  /** How the server answers a path (without query); 200 {"errcode":0,"errmsg":"ok"} otherwise. */
  answer(path: string, respond: (req: HookRequest) => { status: number; body: unknown }): void;
  close(): Promise<void>;
}

export async function startHookServer(): Promise<HookServer> {
  const requests: HookRequest[] = [];
  const answers = new Map<string, (req: HookRequest) => { status: number; body: unknown }>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const hook: HookRequest = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body, json };
      requests.push(hook);
      const answer = answers.get(url.pathname)?.(hook) ?? { status: 200, body: { errcode: 0, errmsg: 'ok' } };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answer: (path, respond) => answers.set(path, respond),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
