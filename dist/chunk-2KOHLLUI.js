#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-FKFZZLW2.js";
import "./chunk-L5GAAQ6J.js";
import "./chunk-BYS6XTKT.js";
import "./chunk-7RDH22UK.js";
import "./chunk-URRLPMZW.js";
import "./chunk-WWNQYIFE.js";
import "./chunk-QMCRCNTE.js";
export {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
};
