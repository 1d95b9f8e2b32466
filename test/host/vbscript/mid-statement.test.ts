/**
 * The Mid statement, `Mid(variable, start[, length]) = text`: each row is a script, the lines it
 * echoes and the error line cscript prints (path `t.vbs`), if any.
 */
import { runVbs } from './run-vbs';

const programs: [string, string, string[], string?][] = [
  ['replaces as many characters as the text has', 's = "abcdef" : Mid(s, 2) = "XY" : WScript.Echo s', ['aXYdef']],
  ['length limits the text used', 's = "abcdef" : Mid(s, 2, 1) = "XYZ" : WScript.Echo s', ['aXcdef']],
  ['a longer length than the text', 's = "abcdef" : Mid(s, 3, 10) = "XY" : WScript.Echo s', ['abXYef']],
  ['never lengthens the variable', 's = "abc" : Mid(s, 2) = "WXYZ" : WScript.Echo s, Len(s)', ['aWX 3']],
  ['at the last character', 's = "abc" : Mid(s, 3) = "Z" : WScript.Echo s', ['abZ']],
  ['length zero changes nothing', 's = "abc" : Mid(s, 1, 0) = "Z" : WScript.Echo s', ['abc']],
  ['case of the keyword', 's = "abc" : MID(s, 1, 1) = "z" : WScript.Echo s', ['zbc']],
  ['a number becomes a string', 'n = 12345 : Mid(n, 2, 1) = "9" : WScript.Echo n, TypeName(n)', ['19345 String']],
  ['an array element', 'Dim a(1) : a(1) = "hello" : Mid(a(1), 1, 1) = "J" : WScript.Echo a(1)', ['Jello']],
  ['a local variable in a procedure', 'Sub S\nDim t : t = "wxyz"\nMid(t, 4) = "!"\nWScript.Echo t\nEnd Sub\nS', ['wxy!']],
  ['start below 1', 's = "abc"\nMid(s, 0) = "x"', [], "t.vbs(2, 1) Microsoft VBScript runtime error: Invalid procedure call or argument: 'Mid'"],
  ['start past the end', 's = "abc"\nMid(s, 4) = "x"', [], "t.vbs(2, 1) Microsoft VBScript runtime error: Invalid procedure call or argument: 'Mid'"],
  ['an Empty variable', 'Mid(s, 1) = "x"', [], "t.vbs(1, 1) Microsoft VBScript runtime error: Invalid procedure call or argument: 'Mid'"],
  ['a negative length', 's = "abc"\nMid(s, 1, -1) = "x"', [], "t.vbs(2, 1) Microsoft VBScript runtime error: Invalid procedure call or argument: 'Mid'"],
  ['a Null variable', 's = Null\nMid(s, 1) = "x"', [], "t.vbs(2, 1) Microsoft VBScript runtime error: Invalid use of Null: 'Mid'"],
  ['Null text', 's = "abc"\nMid(s, 1) = Null', [], "t.vbs(2, 1) Microsoft VBScript runtime error: Invalid use of Null: 'Mid'"],
  ['a Null start', 's = "abc"\nMid(s, Null) = "x"', [], "t.vbs(2, 1) Microsoft VBScript runtime error: Invalid use of Null: 'Mid'"],
  ['the variable is unchanged after an error', 'On Error Resume Next\ns = "abc"\nMid(s, 9) = "x"\nWScript.Echo Err.Number, s', ['5 abc']],
  ['Mid the function still reads', 's = "abcdef" : t = Mid(s, 2, 3) : WScript.Echo t', ['bcd']],
];

describe('Mid statement', () => {
  it.each(programs)('%s', (...row) => {
    const [, source, lines, error] = row;
    const run = runVbs(source);
    expect(run.error).toBe(error);
    expect(run.lines).toEqual(lines);
  });
});
