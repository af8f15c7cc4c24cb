import {
  MAX_DOT_FILE_PROBES,
  listAll,
  nameList,
  openListing
} from "./chunk-356UFLKC.js";
import "./chunk-AFMGHXC2.js";
import "./chunk-Q64DFV4C.js";
import "./chunk-EJRZ22DK.js";
import "./chunk-67NZJHGR.js";
import "./chunk-WYTJSAQ3.js";
import "./chunk-UN72SBEK.js";
export {
  MAX_DOT_FILE_PROBES,
  listAll,
  nameList,
  openListing
};
