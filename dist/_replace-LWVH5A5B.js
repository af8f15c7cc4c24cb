import {
  replaceFile
} from "./chunk-CCSFRQCD.js";
import "./chunk-FS6M5UPR.js";
import "./chunk-UN72SBEK.js";
export {
  replaceFile
};
