// quit-swallowed.js - a catch-all that swallows what Quit throws cannot keep the script going:
// the host stops it at its next call.

try {
    WScript.Quit(4);
} catch (e) {
    var swallowed = true;
}
WScript.Echo("never printed");
