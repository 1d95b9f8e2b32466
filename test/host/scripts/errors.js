// errors.js - failures as a script sees them: e.number, e.description and Session.Error.
// Usage: cscript //nologo errors.js /url:... /user:... /password:...

var args = WScript.Arguments.Named;
var wsman = new ActiveXObject("WSMan.Automation");
var options = wsman.CreateConnectionOptions();
options.UserName = args("user");
options.Password = args("password");
var flags = wsman.SessionFlagUseBasic() | wsman.SessionFlagCredUsernamePassword() | wsman.SessionFlagNoEncryption();
var session = wsman.CreateSession(args("url"), flags, options);

function hex(number) {
    return "0x" + (number < 0 ? number + 0x100000000 : number).toString(16).toUpperCase();
}

// A WMI instance that does not exist: the service's fault.
try {
    session.Get("wmicimv2/Win32_Service?Name=NoSuchService");
    WScript.Echo("no error?");
} catch (e) {
    WScript.Echo("Error number: " + e.number + " " + hex(e.number));
    WScript.Echo("Code: " + (e.number & 0xFFFF));
    WScript.Echo("Description: " + e.description);
    WScript.Echo("message == description: " + (e.message == e.description));
    WScript.Echo("name: " + e.name);
    var fault = session.Error;
    WScript.Echo("Session.Error Code: " + /Code="(\d+)"/.exec(fault)[1]);
    WScript.Echo("Session.Error Machine: " + /Machine="([^"]*)"/.exec(fault)[1]);
}

// Nothing listens on port 1: the WinHTTP error, as on Windows.
var nowhere = wsman.CreateSession("http://127.0.0.1:1/wsman", flags, options);
try {
    nowhere.Identify();
} catch (e) {
    WScript.Echo("Identify at port 1: " + hex(e.number) + ", WinHTTP code " + (e.number & 0xFFFF));
}

// A rule the client checks before sending anything.
try {
    wsman.CreateSession(args("url"), wsman.SessionFlagUseBasic(), options);
} catch (e) {
    WScript.Echo("CreateSession without CredUsernamePassword: " + hex(e.number));
}

// A member the object does not have, and a method called with too few arguments.
try {
    session.NoSuchMember();
} catch (e) {
    WScript.Echo("NoSuchMember: " + hex(e.number) + " " + e.description);
}
try {
    session.Error = "<cleared/>";
} catch (e) {
    WScript.Echo("Assigning the read-only Session.Error: " + hex(e.number) + " " + e.description);
}
try {
    session.Put("winrm/config");
} catch (e) {
    WScript.Echo("Put with one argument: " + hex(e.number) + " " + e.description);
}

// An unknown ProgID.
try {
    var other = new ActiveXObject("No.Such.Object");
} catch (e) {
    WScript.Echo("ActiveXObject: " + e.number + " " + e.description);
}
