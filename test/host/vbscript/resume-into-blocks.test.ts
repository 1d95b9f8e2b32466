/**
 * Under On Error Resume Next an error raised by a condition resumes at the next statement,
 * the first of the block the condition guards (vbscript.md §3.2): each row is a script, the
 * lines it echoes and the error line cscript prints (path `t.vbs`), if any.
 */
import { runVbs } from './run-vbs';

const programs: [string, string, string[], string?][] = [
  ['If runs its Then block', 'On Error Resume Next\nIf 1 / 0 > 1 Then\nWScript.Echo "then", Err.Number\nElse\nWScript.Echo "else"\nEnd If\nWScript.Echo "after"', ['then 11', 'after']],
  ['one-line If', 'On Error Resume Next\nIf CInt("x") Then WScript.Echo "then", Err.Number Else WScript.Echo "else"', ['then 13']],
  ['ElseIf runs its block', 'On Error Resume Next\nIf False Then\nWScript.Echo "if"\nElseIf 1 \\ 0 Then\nWScript.Echo "elseif", Err.Number\nElse\nWScript.Echo "else"\nEnd If', ['elseif 11']],
  ['later branches are not tested', 'On Error Resume Next\nIf Nothing.x Then\nWScript.Echo "first"\nElseIf True Then\nWScript.Echo "second"\nEnd If', ['first']],
  ['in a procedure with its own handler', 'Sub S\nOn Error Resume Next\nIf 1 / 0 Then WScript.Echo "in", Err.Number\nEnd Sub\nS\nWScript.Echo "out"', ['in 11', 'out']],
  ['Select Case test runs its Case', 'On Error Resume Next\nSelect Case 5\nCase 1 / 0\nWScript.Echo "first", Err.Number\nCase 5\nWScript.Echo "five"\nEnd Select', ['first 11']],
  ['later Case tests fail into theirs', 'On Error Resume Next\nSelect Case "a"\nCase "b"\nWScript.Echo "b"\nCase CLng("z")\nWScript.Echo "z", Err.Number\nCase Else\nWScript.Echo "else"\nEnd Select', ['z 13']],
  ['Select Case subject runs the first Case', 'On Error Resume Next\nSelect Case 1 / 0\nCase 7\nWScript.Echo "seven", Err.Number\nCase Else\nWScript.Echo "else"\nEnd Select', ['seven 11']],
  ['Select Case subject with only Case Else', 'On Error Resume Next\nSelect Case 1 / 0\nCase Else\nWScript.Echo "else", Err.Number\nEnd Select', ['else 11']],
  ['Do While runs its body', 'On Error Resume Next\nd = 0\nDo While 10 \\ d > 0\nWScript.Echo "body", Err.Number\nErr.Clear\nd = 100\nLoop\nWScript.Echo "done", Err.Number', ['body 11', 'done 0']],
  ['Do Until runs its body', 'On Error Resume Next\nd = 0\nDo Until 10 \\ d = 0\nWScript.Echo "body", Err.Number\nd = 100\nLoop\nWScript.Echo "done"', ['body 11', 'done']],
  ['While runs its body', 'On Error Resume Next\nd = 0\nWhile 10 \\ d > 0\nWScript.Echo "body", Err.Number\nd = 100\nWend\nWScript.Echo "done"', ['body 11', 'done']],
  ['Loop While goes on after the loop', 'On Error Resume Next\nDo\nn = n + 1\nLoop While 1 / 0\nWScript.Echo n, Err.Number', ['1 11']],
  ['without Resume Next the error stops the script', 'x = 1\nIf 1 / 0 Then\nWScript.Echo "then"\nEnd If', [], 't.vbs(2, 1) Microsoft VBScript runtime error: Division by zero'],
  ['after On Error GoTo 0 the error stops the script', 'On Error Resume Next\nOn Error GoTo 0\nDo While 1 / 0\nLoop', [], 't.vbs(3, 1) Microsoft VBScript runtime error: Division by zero'],
  ['a Select Case without Resume Next', 'Select Case 2\nCase CInt("q")\nWScript.Echo "no"\nEnd Select', [], "t.vbs(1, 1) Microsoft VBScript runtime error: Type mismatch: 'CInt'"],
];

describe('conditions under On Error Resume Next', () => {
  it.each(programs)('%s', (...row) => {
    const [, source, lines, error] = row;
    const run = runVbs(source);
    expect(run.error).toBe(error);
    expect(run.lines).toEqual(lines);
  });
});
