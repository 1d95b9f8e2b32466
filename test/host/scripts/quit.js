// quit.js - WScript.Quit ends the script at once, even in the middle of a loop.
// Usage: cscript //nologo quit.js /code:7

var code = WScript.Arguments.Named("code");
for (var i = 1; ; i++) {
    WScript.Echo("round " + i);
    if (i == 3) WScript.Quit(code);
}
