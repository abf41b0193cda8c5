import { createInterface } from 'node:readline';

/** Asks one question on the terminal; a secret is not echoed. Used only when interactive. */
export function ask(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, question: string, secret = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input, output, terminal: true });
    if (secret) {
      const internal = rl as unknown as { _writeToOutput: (s: string) => void };
      internal._writeToOutput = (s: string) => {
        if (s.includes(question)) output.write(s);
      };
    }
    rl.on('SIGINT', () => {
      rl.close();
      reject(new Error('cancelled'));
    });
    rl.question(question, (answer) => {
      rl.close();
      if (secret) output.write('\n');
      resolve(answer);
    });
  });
}

export async function confirm(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, question: string): Promise<boolean> {
  const answer = await ask(input, output, `${question} [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}
