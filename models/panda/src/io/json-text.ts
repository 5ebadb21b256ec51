// Reading a JSON input file with errors that point into the text. `JSON.parse` does the parsing; when it fails, a
// small scanner of the JSON grammar (RFC 8259) finds the first offending character, because V8's messages only
// sometimes carry a position ("Unexpected token … is not valid JSON" has none).

import { readFileSync } from 'node:fs';
import { InputFileError, type TextPosition } from './file-problems.ts';

class SyntaxProblem {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {}
}

class Scanner {
  private i = 0;

  constructor(private readonly text: string) {}

  /** The first syntax problem, or null when the text is valid JSON. */
  run(): SyntaxProblem | null {
    try {
      this.value();
      this.space();
      if (this.i < this.text.length) this.fail('the end of the file after the top-level value');
      return null;
    } catch (problem) {
      if (problem instanceof SyntaxProblem) return problem;
      throw problem;
    }
  }

  private fail(expected: string): never {
    throw new SyntaxProblem(this.i, expected);
  }

  private space(): void {
    while (' \t\n\r'.includes(this.text[this.i] ?? '#')) this.i++;
  }

  private value(): void {
    this.space();
    const c = this.text[this.i];
    if (c === '{') this.object();
    else if (c === '[') this.array();
    else if (c === '"') this.string();
    else if (c === '-' || (c >= '0' && c <= '9')) this.number();
    else if (!['true', 'false', 'null'].some((w) => this.word(w))) {
      this.fail('a value (object, array, string, number, true, false or null)');
    }
  }

  private word(w: string): boolean {
    if (!this.text.startsWith(w, this.i)) return false;
    this.i += w.length;
    return true;
  }

  private object(): void {
    this.i++;
    this.space();
    if (this.text[this.i] === '}') {
      this.i++;
      return;
    }
    while (true) {
      this.space();
      if (this.text[this.i] !== '"') this.fail('a double-quoted property name');
      this.string();
      this.space();
      if (this.text[this.i] !== ':') this.fail("':' after the property name");
      this.i++;
      this.value();
      this.space();
      const c = this.text[this.i];
      this.i++;
      if (c === '}') return;
      if (c !== ',') {
        this.i--;
        this.fail("',' or '}' after the property value");
      }
    }
  }

  private array(): void {
    this.i++;
    this.space();
    if (this.text[this.i] === ']') {
      this.i++;
      return;
    }
    while (true) {
      this.value();
      this.space();
      const c = this.text[this.i];
      this.i++;
      if (c === ']') return;
      if (c !== ',') {
        this.i--;
        this.fail("',' or ']' after the array element");
      }
    }
  }

  private string(): void {
    this.i++;
    while (true) {
      const c = this.text[this.i];
      if (c === undefined) this.fail('a closing double quote');
      if (c === '"') {
        this.i++;
        return;
      }
      if (c < ' ') this.fail('no control character inside a string (escape it)');
      if (c === '\\') {
        const e = this.text[this.i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.i + 2, this.i + 6))) {
            this.i += 2;
            this.fail('four hex digits after \\u');
          }
          this.i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          this.i++;
          this.fail('a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
        }
        this.i += 2;
        continue;
      }
      this.i++;
    }
  }

  private number(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i));
    if (m === null) this.fail('a number');
    this.i += m[0].length;
  }
}

function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/** Parses JSON text, throwing an `InputFileError` that gives the line and column of the first syntax error. */
export function parseJsonText(file: string, text: string): unknown {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    const problem = new Scanner(body).run();
    if (problem === null) throw error;
    // show a misspelt literal (`tru`, `None`) whole rather than its first letter
    const found = /^\w+/.exec(body.slice(problem.offset))?.[0] ?? body[problem.offset];
    throw new InputFileError(file, [
      {
        path: '',
        value: found === undefined ? 'the end of the file' : JSON.stringify(found),
        expected: problem.expected,
        position: positionOf(body, problem.offset),
      },
    ]);
  }
}

/** Reads and parses a JSON file; an unreadable file or bad JSON throws an `InputFileError`. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputFileError(file, [{ path: '', value: null, expected: `a readable JSON file (${reason})` }]);
  }
  return parseJsonText(file, text);
}
