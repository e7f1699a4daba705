/**
 * Runs the `oidc-op` bin on a pseudo-terminal (python3's pty module), as a person at a terminal would: each answer is
 * typed once its prompt shows; the result is everything the terminal displayed, echo included.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'oidc-op.js');

// The child's stdin, stdout and stderr are all the pty, as in a terminal. Answers are typed only once their prompt
// has appeared; the transcript and exit status go to stdout as one JSON object.
const DRIVER = String.raw`
import json, os, pty, sys
spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execve(spec["argv"][0], spec["argv"], spec["env"])
shown = b""
pending = [(p.encode(), a.encode()) for p, a in spec["answers"]]
seen = 0
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    shown += chunk
    while pending and shown.find(pending[0][0], seen) != -1:
        seen = shown.find(pending[0][0], seen) + len(pending[0][0])
        os.write(fd, pending.pop(0)[1])
_, status = os.waitpid(pid, 0)
print(json.dumps({"output": shown.decode("utf-8", "replace"), "code": os.waitstatus_to_exitcode(status), "unanswered": [p.decode() for p, _ in pending]}))
`;

export interface TerminalResult {
  /** What the terminal showed: the program's output and anything the terminal echoed. */
  output: string;
  code: number;
  /** Prompts that never appeared. */
  unanswered: string[];
}

/** `answers`: [prompt, keys typed once it shows], in order. */
export function runCliOnTerminal(args: string[], env: Record<string, string>, answers: [string, string][]): Promise<TerminalResult> {
  const spec = { argv: [process.execPath, BIN, ...args], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'dumb', ...env }, answers };
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', DRIVER, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`the pty driver failed (exit ${code}): ${stderr}`));
      else resolve(JSON.parse(stdout) as TerminalResult);
    });
  });
}
