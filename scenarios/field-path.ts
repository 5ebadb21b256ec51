/**
 * Field paths into a scenario file, as the loader's errors print them (`platform.hpc[0].nodes`,
 * `shares[3]["MC Simulation Full"]`): a sweep names the fields it varies this way, and a loader problem is
 * traced back to the sweep parameter that caused it by comparing paths.
 */

export type FieldPath = readonly (string | number)[];

const NAME = /^[A-Za-z_$][\w$-]*/;
const INDEX = /^\[(\d+)\]/;
const QUOTED = /^\[("(?:[^"\\]|\\.)*")\]/;

/** The segments of a path; undefined when `text` is not one (it must start with a field name). */
export function parseFieldPath(text: string): FieldPath | undefined {
  const first = NAME.exec(text);
  if (first === null) return undefined;
  const path: (string | number)[] = [first[0]];
  let rest = text.slice(first[0].length);
  while (rest !== '') {
    const name = rest.startsWith('.') ? NAME.exec(rest.slice(1)) : null;
    const index = INDEX.exec(rest);
    const quoted = QUOTED.exec(rest);
    if (name !== null) {
      path.push(name[0]);
      rest = rest.slice(name[0].length + 1);
    } else if (index !== null) {
      path.push(Number(index[1]));
      rest = rest.slice(index[0].length);
    } else if (quoted !== null) {
      path.push(JSON.parse(quoted[1]) as string);
      rest = rest.slice(quoted[0].length);
    } else {
      return undefined;
    }
  }
  return path;
}

/** Whether `prefix` is `path` or one of its ancestors. */
export function isPathPrefix(prefix: FieldPath, path: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}
