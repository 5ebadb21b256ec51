/**
 * A git revision of this repository checked out beside the working tree, to run its code against the working
 * tree's (`bench --against`, `compare --against`). It goes into a temporary worktree. When its lockfile equals
 * the working tree's, it borrows the installed packages (every top-level entry of node_modules linked, except
 * the workspace package, which is linked to the revision's own copy); otherwise it gets its own `npm ci`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class RevisionError extends Error {}

export interface RevisionCheckout {
  readonly dir: string;
  readonly sha: string;
  /** Removes the worktree. */
  remove(): void;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * Checks `ref` out into a temporary worktree; `needs` is a file the revision must have for the job (else a
 * RevisionError saying what is missing).
 */
export function checkoutRevision(
  root: string,
  ref: string,
  needs: { file: string; what: string },
  log: (line: string) => void,
): RevisionCheckout {
  let sha: string;
  try {
    sha = git(root, ['rev-parse', '--verify', `${ref}^{commit}`]);
  } catch {
    throw new RevisionError(`--against: '${ref}' is not a git revision of ${root}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'pandasim-rev-'));
  git(root, ['worktree', 'add', '--detach', dir, sha]);
  const remove = () => {
    git(root, ['worktree', 'remove', '--force', dir]);
    rmSync(dir, { recursive: true, force: true });
  };
  if (!existsSync(join(dir, needs.file))) {
    remove();
    throw new RevisionError(
      `--against: revision ${ref} (${sha.slice(0, 10)}) has no ${needs.what} (${needs.file})`,
    );
  }
  const sameLock =
    existsSync(join(dir, 'package-lock.json')) &&
    readFileSync(join(dir, 'package-lock.json'), 'utf8') ===
      readFileSync(join(root, 'package-lock.json'), 'utf8');
  if (sameLock) {
    const modules = join(dir, 'node_modules');
    mkdirSync(modules);
    for (const entry of readdirSync(join(root, 'node_modules'))) {
      if (entry === '@pandasim') continue;
      symlinkSync(join(root, 'node_modules', entry), join(modules, entry));
    }
    mkdirSync(join(modules, '@pandasim'));
    symlinkSync(join(dir, 'models', 'panda'), join(modules, '@pandasim', 'panda'));
  } else {
    log(`revision ${ref} has another lockfile: installing its packages (npm ci)`);
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'ignore' });
  }
  return { dir, sha, remove };
}
