#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-42CS56NP.js";
import "./chunk-CIRYB6YZ.js";
import "./chunk-7RDH22UK.js";
import "./chunk-CZPHWROF.js";
import "./chunk-37FOON2T.js";
import "./chunk-NLRHZH6U.js";
export {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
};
