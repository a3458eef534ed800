#!/usr/bin/env node
// Kept as plain JS so the bin link exists at install time, before the build.
import { runMain } from '../dist/index.js';
await runMain();
