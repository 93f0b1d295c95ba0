#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-WWND7V63.js";
import "./chunk-H35EMIO3.js";
import "./chunk-4BMMF5WG.js";
import "./chunk-7RDH22UK.js";
import "./chunk-N66YQQWH.js";
import "./chunk-QJBSPLVV.js";
import "./chunk-M25WK6N6.js";
export {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
};
