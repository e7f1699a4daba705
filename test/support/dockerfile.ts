/**
 * A Dockerfile read into its stages and instructions, for the compose rehearsal. Only the instructions and forms
 * our Dockerfile uses are understood; anything else is an error rather than being skipped, so a change to the
 * Dockerfile that the rehearsal cannot imitate makes the rehearsal fail instead of quietly testing something else.
 */

export type Instruction =
  | { kind: 'WORKDIR'; path: string }
  | { kind: 'COPY'; from?: string; sources: string[]; dest: string }
  | { kind: 'RUN'; command: string }
  | { kind: 'ENV'; vars: Record<string, string> }
  | { kind: 'USER'; user: string }
  | { kind: 'EXPOSE'; ports: string[] }
  | { kind: 'HEALTHCHECK'; options: Record<string, string>; argv: string[] }
  | { kind: 'CMD'; argv: string[] };

export interface Stage {
  /** The `AS` name; the last stage may have none. */
  name?: string;
  /** An image reference (ARGs substituted) or an earlier stage's name. */
  from: string;
  instructions: Instruction[];
}

/** Joins continuation lines and drops comments and parser directives, as Docker's parser does. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    lines.push(`${pending}${line}`.trim());
    pending = '';
  }
  if (pending) lines.push(pending.trim());
  return lines.filter((l) => l !== '');
}

function jsonArgv(text: string, where: string): string[] {
  if (!text.startsWith('[')) throw new Error(`${where}: only the JSON (exec) form is understood: ${text}`);
  const argv = JSON.parse(text) as unknown;
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) throw new Error(`${where}: not a list of strings: ${text}`);
  return argv;
}

/** `--name=value` flags at the start of an instruction's arguments, and the rest. */
function flags(args: string): { flags: Record<string, string>; rest: string } {
  const found: Record<string, string> = {};
  let rest = args;
  for (let m = rest.match(/^--([a-z-]+)=(\S+)\s+/); m; m = rest.match(/^--([a-z-]+)=(\S+)\s+/)) {
    found[m[1]!] = m[2]!;
    rest = rest.slice(m[0].length);
  }
  return { flags: found, rest };
}

function noVariables(text: string, where: string): string {
  if (text.includes('$')) throw new Error(`${where}: variables are not understood here: ${text}`);
  return text;
}

function instruction(keyword: string, args: string): Instruction {
  switch (keyword) {
    case 'WORKDIR':
      return { kind: 'WORKDIR', path: noVariables(args, keyword) };
    case 'COPY': {
      const { flags: f, rest } = flags(args);
      const unknown = Object.keys(f).filter((k) => k !== 'from');
      if (unknown.length) throw new Error(`COPY: flags not understood: ${unknown.join(', ')}`);
      const parts = noVariables(rest, keyword).split(/\s+/);
      if (rest.startsWith('[') || parts.length < 2 || parts.some((p) => /[*?[]/.test(p))) throw new Error(`COPY: only plain paths are understood: ${args}`);
      return { kind: 'COPY', ...(f.from ? { from: f.from } : {}), sources: parts.slice(0, -1), dest: parts.at(-1)! };
    }
    case 'RUN':
      return { kind: 'RUN', command: args };
    case 'ENV': {
      const vars: Record<string, string> = {};
      for (const pair of noVariables(args, keyword).split(/\s+/)) {
        const m = pair.match(/^([A-Za-z_][A-Za-z0-9_]*)=([^"'\s]*)$/);
        if (!m) throw new Error(`ENV: only KEY=value pairs without quotes are understood: ${args}`);
        vars[m[1]!] = m[2]!;
      }
      return { kind: 'ENV', vars };
    }
    case 'USER':
      return { kind: 'USER', user: noVariables(args, keyword) };
    case 'EXPOSE':
      return { kind: 'EXPOSE', ports: args.split(/\s+/) };
    case 'HEALTHCHECK': {
      const { flags: options, rest } = flags(args);
      const cmd = rest.match(/^CMD\s+(.*)$/);
      if (!cmd) throw new Error(`HEALTHCHECK: only HEALTHCHECK [options] CMD [...] is understood: ${args}`);
      return { kind: 'HEALTHCHECK', options, argv: jsonArgv(cmd[1]!, keyword) };
    }
    case 'CMD':
      return { kind: 'CMD', argv: jsonArgv(args, keyword) };
    default:
      throw new Error(`the rehearsal does not understand the Dockerfile instruction ${keyword}`);
  }
}

export function parseDockerfile(text: string): Stage[] {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logicalLines(text)) {
    const [, keyword = '', rest = ''] = line.match(/^(\S+)\s*(.*)$/) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'ARG') {
      // Only global ARGs with a default, used by FROM lines (no --build-arg in the compose file).
      const m = rest.match(/^([A-Za-z_][A-Za-z0-9_]*)=(\S+)$/);
      if (!m || stages.length > 0) throw new Error(`ARG: only a global ARG with a default is understood: ${line}`);
      args[m[1]!] = m[2]!;
    } else if (upper === 'FROM') {
      const m = rest.match(/^(\S+)(?:\s+AS\s+(\S+))?$/i);
      if (!m) throw new Error(`FROM: not understood: ${line}`);
      const from = m[1]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a?: string, b?: string) => {
        const value = args[(a ?? b)!];
        if (value === undefined) throw new Error(`FROM: unknown ARG in ${line}`);
        return value;
      });
      stages.push({ ...(m[2] ? { name: m[2] } : {}), from, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${keyword} before the first FROM`);
      stage.instructions.push(instruction(upper, rest));
    }
  }
  return stages;
}
