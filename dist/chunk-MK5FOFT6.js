#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-KOPS5AFY.js";
import "./chunk-MN2KQIE5.js";
import "./chunk-7RDH22UK.js";
import "./chunk-JZ2OSKPB.js";
import "./chunk-6ZDHVPTH.js";
import "./chunk-7JRNZNAI.js";
export {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
};
