#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-64TZB4VC.js";
import "./chunk-OXUGUMN2.js";
import "./chunk-NSHXN4PR.js";
import "./chunk-7RDH22UK.js";
import "./chunk-OQZGWTY3.js";
import "./chunk-K2WKMCY7.js";
import "./chunk-PBW5ETMY.js";
export {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
};
