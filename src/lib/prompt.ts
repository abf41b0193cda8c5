import { createInterface } from 'node:readline';
import { InterruptedError } from './errors.js';

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
      output.write('\n');
      reject(
        new InterruptedError(
          'Cancelled at the prompt; nothing was changed by this question.',
          'Run the command again when ready; it carries on from where it stopped.',
        ),
      );
    });
    rl.question(question, (answer) => {
      rl.close();
      if (secret) output.write('\n');
      resolve(answer);
    });
  });
}

/** Pure: what an answer to a yes/no question means; anything but a clear yes, no or nothing is asked again. */
export function readAnswer(answer: string): 'yes' | 'no' | 'unclear' {
  const a = answer.trim();
  if (/^y(es)?$/i.test(a)) return 'yes';
  if (a === '' || /^no?$/i.test(a)) return 'no';
  return 'unclear';
}

/** A yes/no question; an empty answer is No, a mistyped one (`yse`) is asked again rather than read as No. */
export async function confirm(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, question: string): Promise<boolean> {
  for (;;) {
    const answer = readAnswer(await ask(input, output, `${question} [y/N] `));
    if (answer !== 'unclear') return answer === 'yes';
    output.write('  Please answer y (yes) or n (no).\n');
  }
}
