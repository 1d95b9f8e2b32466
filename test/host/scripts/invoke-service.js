// invoke-service.js - Session.Invoke of Win32_Service methods: stop a service, start it again.
// Usage: cscript //nologo invoke-service.js /url:... /user:... /password:... /service:Spooler

var args = WScript.Arguments.Named;
var wsman = new ActiveXObject("WSMan.Automation");
var options = wsman.CreateConnectionOptions();
options.UserName = args("user");
options.Password = args("password");
var session = wsman.CreateSession(args("url"),
    wsman.SessionFlagUseBasic() | wsman.SessionFlagCredUsernamePassword() | wsman.SessionFlagNoEncryption(),
    options);

var classUri = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service";
var instance = classUri + "?Name=" + args("service");

function state() {
    return /<p:State>([^<]*)</.exec(session.Get(instance))[1];
}

function invoke(method) {
    var input = "<p:" + method + "_INPUT xmlns:p=\"" + classUri + "\"/>";
    var output = session.Invoke(method, instance, input);
    return /<p:ReturnValue>([^<]*)</.exec(output)[1];
}

WScript.Echo(args("service") + " is " + state());
WScript.Echo("StopService returned " + invoke("StopService") + ", now " + state());
WScript.Echo("StartService returned " + invoke("StartService") + ", now " + state());
WScript.Echo("StartService again returned " + invoke("StartService"));
