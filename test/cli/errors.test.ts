/** The CLI's one mapping of a loader's bad-file error to bad input (exit 2); other errors pass unchanged. */
import { describe, expect, it } from 'vitest';
import { InputFileError } from '@pandasim/panda';
import { asInput, asInputAsync, InputError } from '../../cli/errors.ts';
import { ScenarioError } from '../../scenarios/scenario-error.ts';

const scenarioError = () =>
  new ScenarioError([{ file: 's.yaml', path: 'horizon', expected: "a duration like '8h'", got: '"soon"' }]);
const fileError = () =>
  new InputFileError('w.json', [{ path: 'queues', value: null, expected: 'an object' }]);

describe('asInput', () => {
  it('turns a scenario or input-file error into an InputError with the same message', () => {
    for (const make of [scenarioError, fileError]) {
      const original = make();
      let caught: unknown;
      try {
        asInput(() => {
          throw original;
        });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InputError);
      expect((caught as Error).message).toBe(original.message);
    }
    expect(scenarioError().message).toBe(`s.yaml: horizon: expected a duration like '8h', got "soon"`);
  });

  it('passes other errors and results through', () => {
    const bug = new TypeError('a bug');
    expect(() =>
      asInput(() => {
        throw bug;
      }),
    ).toThrow(bug);
    expect(asInput(() => 42)).toBe(42);
  });

  it('does the same for asynchronous steps, whether they reject or throw before their first await', async () => {
    await expect(asInputAsync(() => Promise.reject(scenarioError()))).rejects.toBeInstanceOf(InputError);
    await expect(
      asInputAsync(() => {
        throw fileError();
      }),
    ).rejects.toBeInstanceOf(InputError);
    await expect(asInputAsync(() => Promise.reject(new RangeError('x')))).rejects.toBeInstanceOf(RangeError);
    await expect(asInputAsync(async () => 'ok')).resolves.toBe('ok');
  });
});
