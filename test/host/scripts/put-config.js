// put-config.js - Session.Put of a winrm/config setting, then Get to read it back.
// Usage: cscript //nologo put-config.js /url:... /user:... /password:... /size:1024

var args = WScript.Arguments.Named;
var wsman = new ActiveXObject("WSMan.Automation");
var options = wsman.CreateConnectionOptions();
options.UserName = args("user");
options.Password = args("password");
var session = wsman.CreateSession(args("url"),
    wsman.SessionFlagUseBasic() | wsman.SessionFlagCredUsernamePassword() | wsman.SessionFlagNoEncryption(),
    options);

function maxEnvelopeSize(xml) {
    return /<cfg:MaxEnvelopeSizekb>([^<]*)</.exec(xml)[1];
}

WScript.Echo("MaxEnvelopeSizekb before: " + maxEnvelopeSize(session.Get("winrm/config")));

var update = "<cfg:Config xmlns:cfg=\"http://schemas.microsoft.com/wbem/wsman/1/config\">" +
             "<cfg:MaxEnvelopeSizekb>" + args("size") + "</cfg:MaxEnvelopeSizekb>" +
             "</cfg:Config>";
var result = session.Put("winrm/config", update);
WScript.Echo("Put returned MaxEnvelopeSizekb " + maxEnvelopeSize(result));

WScript.Echo("MaxEnvelopeSizekb after: " + maxEnvelopeSize(session.Get("winrm/config")));
