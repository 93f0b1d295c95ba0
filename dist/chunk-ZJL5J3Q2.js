#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-4EVA6OQK.js";
import "./chunk-UIRXAZCG.js";
import "./chunk-6P7SJA3W.js";
import "./chunk-7RDH22UK.js";
import "./chunk-QQYZRXWH.js";
import "./chunk-NIEJ3FAV.js";
import "./chunk-QMCRCNTE.js";
export {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
};
