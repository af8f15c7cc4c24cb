import {
  FtpInputError
} from "./chunk-UN72SBEK.js";

// src/protocol/time_val.ts
function digits(text, start, end) {
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}
function parseTimeVal(text) {
  const value = text.trim();
  if (value.length < 14 || value.length > 14 && value[14] !== ".") return void 0;
  const year = digits(value, 0, 4);
  const month = digits(value, 4, 6);
  const day = digits(value, 6, 8);
  const hour = digits(value, 8, 10);
  const minute = digits(value, 10, 12);
  const second = digits(value, 12, 14);
  const fraction = value.length > 14 ? value.slice(15) : "";
  if (fraction.length > 9 || value.length > 14 && fraction === "") return void 0;
  const millis = fraction === "" ? 0 : digits(fraction.padEnd(3, "0"), 0, 3);
  if (digits(fraction, 0, fraction.length) < 0) return void 0;
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return void 0;
  if (minute < 0 || minute > 59 || second < 0 || second > 60 || millis < 0) return void 0;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  if (date.getUTCDate() !== day && second !== 60) return void 0;
  if (year < 100) date.setUTCFullYear(year);
  return date;
}
function formatTimeVal(date) {
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 0 || year > 9999) {
    throw new FtpInputError(`${date} cannot be sent as an FTP time value`);
  }
  const two = (n) => String(n).padStart(2, "0");
  return String(year).padStart(4, "0") + two(date.getUTCMonth() + 1) + two(date.getUTCDate()) + two(date.getUTCHours()) + two(date.getUTCMinutes()) + two(date.getUTCSeconds());
}

export {
  parseTimeVal,
  formatTimeVal
};
