#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-WA36GXTX.js";
import "./chunk-ZIP6VJOW.js";
import "./chunk-3YTJWTJ6.js";
import "./chunk-7RDH22UK.js";
import "./chunk-TXVC7562.js";
import "./chunk-B35GI2KY.js";
import "./chunk-M25WK6N6.js";
export {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
};
