// get-selectors.js - Session.Get of winrm/config and of a WMI instance chosen by a selector.
// Usage: cscript //nologo get-selectors.js /url:... /user:... /password:... [service]

var args = WScript.Arguments.Named;
var serviceName = WScript.Arguments.Unnamed.length > 0 ? WScript.Arguments.Unnamed(0) : "Spooler";

var wsman = new ActiveXObject("WSMan.Automation");
var options = wsman.CreateConnectionOptions();
options.UserName = args("user");
options.Password = args("password");
var session = wsman.CreateSession(args("url"),
    wsman.SessionFlagUseBasic() | wsman.SessionFlagCredUsernamePassword() | wsman.SessionFlagNoEncryption(),
    options);

function field(xml, prefix, name) {
    var match = new RegExp("<" + prefix + ":" + name + ">([^<]*)<").exec(xml);
    return match ? match[1] : "(none)";
}

var config = session.Get("winrm/config");
WScript.Echo("winrm/config");
WScript.Echo("  MaxEnvelopeSizekb = " + field(config, "cfg", "MaxEnvelopeSizekb"));
WScript.Echo("  MaxTimeoutms      = " + field(config, "cfg", "MaxTimeoutms"));
WScript.Echo("  MaxBatchItems     = " + field(config, "cfg", "MaxBatchItems"));

var service = session.Get("http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service?Name=" + serviceName);
WScript.Echo("Win32_Service?Name=" + serviceName);
WScript.Echo("  DisplayName = " + field(service, "p", "DisplayName"));
WScript.Echo("  State       = " + field(service, "p", "State"));
WScript.Echo("  StartMode   = " + field(service, "p", "StartMode"));

// The short alias form of the same URI.
var again = session.Get("wmicimv2/Win32_Service?Name=" + serviceName);
WScript.Echo("alias gives the same instance: " + (again == service));
