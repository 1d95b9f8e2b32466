// uncaught.js - an automation error nobody catches: WSH prints it and the script ends.
// Usage: cscript //nologo uncaught.js /url:... /user:... /password:...

var args = WScript.Arguments.Named;
var wsman = new ActiveXObject("WSMan.Automation");
var options = wsman.CreateConnectionOptions();
options.UserName = args("user");
options.Password = args("password");
var session = wsman.CreateSession(args("url"),
    wsman.SessionFlagUseBasic() | wsman.SessionFlagCredUsernamePassword() | wsman.SessionFlagNoEncryption(),
    options);

WScript.Echo("before");
var xml = session.Get("wmicimv2/Win32_Service?Name=NoSuchService");
WScript.Echo("after");
