/**
 * VBScript's Date subtype: an OLE Automation date (days since 1899-12-30, the fraction the time
 * of day; for negative dates the fraction counts forward from the day too), with the en-US
 * short formats cscript uses for CStr and the parsing CDate does.
 */

const MS_PER_DAY = 86_400_000;
/** 1899-12-30 in Unix days. */
const OLE_EPOCH_DAYS = -25_569;
/** 100-01-01 and 9999-12-31 23:59:59: the range of VBScript dates. */
export const MIN_DATE = -657_434;
export const MAX_DATE = 2_958_465.999988426;

export interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 Sunday … 6 Saturday. */
  readonly weekday: number;
}

export const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Splits into a whole day and the seconds of its time, rounded to the second as VBScript shows them. */
function dayAndSeconds(ole: number): [number, number] {
  const day = Math.trunc(ole);
  let seconds = Math.round(Math.abs(ole - day) * 86_400);
  let whole = day;
  if (seconds >= 86_400) {
    seconds -= 86_400;
    whole += ole < 0 ? -1 : 1;
  }
  return [whole, seconds];
}

export function dateParts(ole: number): DateParts {
  const [day, seconds] = dayAndSeconds(ole);
  const date = new Date((day + OLE_EPOCH_DAYS) * MS_PER_DAY);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: Math.floor(seconds / 3600),
    minute: Math.floor(seconds / 60) % 60,
    second: seconds % 60,
    weekday: date.getUTCDay(),
  };
}

/** The whole-day part of a date made from a proleptic Gregorian y/m/d (month and day may roll over). */
export function serialDay(year: number, month: number, day: number): number {
  const date = new Date(Date.UTC(2000, 0, 1));
  date.setUTCFullYear(year, month - 1, 1);
  return Math.round(date.getTime() / MS_PER_DAY) - OLE_EPOCH_DAYS + day - 1;
}

export function serialTime(hour: number, minute: number, second: number): number {
  return (hour * 3600 + minute * 60 + second) / 86_400;
}

/** Day plus time of day, where the time of a negative date counts away from zero. */
export function combine(day: number, time: number): number {
  return day < 0 ? day - time : day + time;
}

export function timeOf(ole: number): number {
  return Math.abs(ole - Math.trunc(ole));
}

export function fromJsDate(date: Date): number {
  const local = date.getTime() - date.getTimezoneOffset() * 60_000;
  return local / MS_PER_DAY - OLE_EPOCH_DAYS;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

export function formatShortDate(p: DateParts): string {
  return `${p.month}/${p.day}/${p.year}`;
}

export function formatLongDate(p: DateParts): string {
  return `${WEEKDAY_NAMES[p.weekday]}, ${MONTH_NAMES[p.month - 1]} ${pad2(p.day)}, ${p.year}`;
}

export function formatLongTime(p: DateParts): string {
  const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  return `${hour12}:${pad2(p.minute)}:${pad2(p.second)} ${p.hour < 12 ? 'AM' : 'PM'}`;
}

export function formatShortTime(p: DateParts): string {
  return `${pad2(p.hour)}:${pad2(p.minute)}`;
}

/** CStr of a Date: the date alone at midnight, the time alone on day 0, both otherwise. */
export function formatGeneralDate(ole: number): string {
  const parts = dateParts(ole);
  const [day, seconds] = dayAndSeconds(ole);
  if (seconds === 0) return formatShortDate(parts);
  if (day === 0) return formatLongTime(parts);
  return `${formatShortDate(parts)} ${formatLongTime(parts)}`;
}

const MONTH_PREFIX = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$/i;

function monthOfName(word: string): number | undefined {
  const match = MONTH_PREFIX.exec(word);
  return match ? ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].indexOf(match[1].toLowerCase()) + 1 : undefined;
}

function validDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysIn(year: number, month: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function fullYear(year: number, digits: number): number {
  if (digits > 2) return year;
  return year < 30 ? 2000 + year : 1900 + year;
}

const TIME = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?\s*([ap]m?)?$/i;
const TIME_HOUR_ONLY = /^(\d{1,2})\s*([ap]m?)$/i;

function parseTime(text: string): number | undefined {
  const match = TIME.exec(text) ?? TIME_HOUR_ONLY.exec(text);
  if (!match) return undefined;
  let hour = Number(match[1]);
  const hasMinutes = match.length === 5;
  const minute = hasMinutes ? Number(match[2]) : 0;
  const second = hasMinutes && match[3] ? Number(match[3]) : 0;
  const meridiem = (hasMinutes ? match[4] : match[2])?.toLowerCase();
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem.startsWith('p') ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return serialTime(hour, minute, second);
}

function parseDatePart(text: string): number | undefined {
  let match = /^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})$/.exec(text);
  if (match) {
    const [a, b, c] = [match[1], match[2], match[3]];
    // yyyy-mm-dd, else month/day/year as en-US writes it.
    const [year, month, day] = a.length > 2 ? [Number(a), Number(b), Number(c)] : [fullYear(Number(c), c.length), Number(a), Number(b)];
    return validDay(year, month, day) ? serialDay(year, month, day) : undefined;
  }
  match = /^(\d{1,2})[-/.](\d{1,2})$/.exec(text);
  if (match) {
    const year = new Date().getFullYear();
    const [month, day] = [Number(match[1]), Number(match[2])];
    return validDay(year, month, day) ? serialDay(year, month, day) : undefined;
  }
  const words = text.replace(/,/g, ' ').split(/[\s-]+/).filter((w) => w !== '');
  const monthIndex = words.findIndex((w) => monthOfName(w) !== undefined);
  if (monthIndex < 0 || words.length < 2 || words.length > 3) return undefined;
  const month = monthOfName(words[monthIndex])!;
  const numbers = words.filter((_, i) => i !== monthIndex);
  if (!numbers.every((n) => /^\d{1,4}$/.test(n))) return undefined;
  let day: number;
  let year: number;
  if (numbers.length === 1) {
    [day, year] = [Number(numbers[0]), new Date().getFullYear()];
  } else {
    const [first, second] = numbers;
    [day, year] = first.length > 2 ? [Number(second), Number(first)] : [Number(first), fullYear(Number(second), second.length)];
  }
  return validDay(year, month, day) ? serialDay(year, month, day) : undefined;
}

/** CDate / IsDate / DateValue of a string, en-US; undefined when it is no date. */
export function parseDate(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const time = parseTime(trimmed);
  if (time !== undefined) return time;
  const timeAt = /\s(\d{1,2}:\d{1,2}(?::\d{1,2})?\s*(?:[ap]m?)?|\d{1,2}\s*[ap]m?)$/i.exec(trimmed);
  if (timeAt) {
    const day = parseDatePart(trimmed.slice(0, timeAt.index).trim());
    const clock = parseTime(timeAt[1].trim());
    return day === undefined || clock === undefined ? undefined : combine(day, clock);
  }
  return parseDatePart(trimmed);
}
