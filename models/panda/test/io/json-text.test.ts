import { describe, expect, it } from 'vitest';
import { InputFileError, parseJsonText, type FileProblem } from '../../src/io/index.ts';

function syntaxProblem(text: string): FileProblem {
  try {
    parseJsonText('f.json', text);
  } catch (error) {
    if (error instanceof InputFileError) return error.problems[0];
    throw error;
  }
  throw new Error('the text was accepted');
}

describe('JSON text', () => {
  it('parses valid JSON, with or without a byte-order mark', () => {
    expect(parseJsonText('f.json', '{"a": [1, -2.5e3, "x\\u00e9", true, null]}')).toEqual({
      a: [1, -2500, 'xé', true, null],
    });
    expect(parseJsonText('f.json', '\uFEFF[]')).toEqual([]);
  });

  it('points at the first offending character with line and column', () => {
    expect(syntaxProblem('{\n  "kind": "production",\n  "snapshot": tru\n}')).toEqual({
      path: '',
      value: '"tru"',
      expected: 'a value (object, array, string, number, true, false or null)',
      position: { offset: 40, line: 3, column: 15 },
    });
    expect(syntaxProblem('{"a": 1,\n}')).toMatchObject({
      value: '"}"',
      expected: 'a double-quoted property name',
      position: { line: 2, column: 1 },
    });
    expect(syntaxProblem('[1 2]')).toMatchObject({
      value: '"2"',
      expected: "',' or ']' after the array element",
      position: { offset: 3, line: 1, column: 4 },
    });
    expect(syntaxProblem('{"a": "x\\q"}')).toMatchObject({
      value: '"q"',
      expected: 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)',
      position: { column: 10 },
    });
    expect(syntaxProblem('{"a": 1')).toMatchObject({
      value: 'the end of the file',
      expected: "',' or '}' after the property value",
      position: { offset: 7 },
    });
    expect(syntaxProblem('{} {}')).toMatchObject({
      expected: 'the end of the file after the top-level value',
      position: { column: 4 },
    });
  });

  it('puts the position into the message, after the file name', () => {
    expect(() => parseJsonText('dir/f.json', '{"a": 01}')).toThrow(
      "dir/f.json:1:8: got \"1\"; expected ',' or '}' after the property value",
    );
  });
});
