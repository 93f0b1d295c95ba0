#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-JBZZIJEA.js";
import "./chunk-JIR4D3BU.js";
import "./chunk-BYS6XTKT.js";
import "./chunk-7RDH22UK.js";
import "./chunk-KTNBZXOV.js";
import "./chunk-WWNQYIFE.js";
import "./chunk-QMCRCNTE.js";
export {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
};
