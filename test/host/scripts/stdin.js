// stdin.js - reads lines from WScript.StdIn until the end of the stream.
// Usage: type names.txt | cscript //nologo stdin.js

var count = 0;
while (!WScript.StdIn.AtEndOfStream) {
    var line = WScript.StdIn.ReadLine();
    count++;
    WScript.StdOut.WriteLine(count + ": " + line.toUpperCase());
}
WScript.StdErr.WriteLine(count + " lines");
