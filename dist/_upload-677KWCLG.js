import {
  pumpSource,
  uploadStream
} from "./chunk-QZFPKXTY.js";
import "./chunk-3CMHRS5E.js";
import "./chunk-YAX2L4F7.js";
import "./chunk-EJRZ22DK.js";
import "./chunk-67NZJHGR.js";
import "./chunk-WYTJSAQ3.js";
import "./chunk-UN72SBEK.js";
export {
  pumpSource,
  uploadStream
};
