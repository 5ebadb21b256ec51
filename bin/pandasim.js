#!/usr/bin/env node
// The sources are TypeScript run through tsx's loader, so `npx pandasim` works straight after `npm ci`
// with no build step, and a global install (`npm install -g .`) runs the same files.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
