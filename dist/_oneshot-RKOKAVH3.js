import {
  listCommand,
  urlConnection,
  urlTask
} from "./chunk-6AV5OYIV.js";
import "./chunk-OAUP5DGT.js";
import "./chunk-MDAPYFKY.js";
import "./chunk-U3WY2XO2.js";
import "./chunk-NWFYDGVE.js";
import "./chunk-BFTUMHFL.js";
import "./chunk-MH6OJTMF.js";
import "./chunk-3CMHRS5E.js";
import "./chunk-YAX2L4F7.js";
import "./chunk-FS6M5UPR.js";
import "./chunk-S6NQWXE5.js";
import "./chunk-IGADUVIL.js";
import "./chunk-URKZZK3P.js";
import "./chunk-KOF6ERUA.js";
import "./chunk-ZN2EVIR7.js";
import "./chunk-EWLIKXQH.js";
import "./chunk-6Y7TI5L4.js";
import "./chunk-VANQ5W6K.js";
import "./chunk-ZZKKPKQ6.js";
import "./chunk-IOE4GXSG.js";
import "./chunk-JTZGJBJ2.js";
import "./chunk-OKDFGV22.js";
import "./chunk-RK3YRUIX.js";
import "./chunk-YWCC54TA.js";
import "./chunk-AFMGHXC2.js";
import "./chunk-Q64DFV4C.js";
import "./chunk-EJRZ22DK.js";
import "./chunk-67NZJHGR.js";
import "./chunk-WYTJSAQ3.js";
import "./chunk-UN72SBEK.js";
export {
  listCommand,
  urlConnection,
  urlTask
};
