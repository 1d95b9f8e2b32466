// enumerate-wql.js - Session.Enumerate with a WQL filter, read with the AtEndOfStream loop.
// Usage: cscript //nologo enumerate-wql.js /url:... /user:... /password:...

var args = WScript.Arguments.Named;
var wsman = new ActiveXObject("WSMan.Automation");
var options = wsman.CreateConnectionOptions();
options.UserName = args("user");
options.Password = args("password");
var session = wsman.CreateSession(args("url"),
    wsman.SessionFlagUseBasic() | wsman.SessionFlagCredUsernamePassword() | wsman.SessionFlagNoEncryption(),
    options);
session.BatchItems = 3;

var filter = "SELECT Name, State FROM Win32_Service WHERE StartMode = 'Auto'";
var dialect = "http://schemas.microsoft.com/wbem/wsman/1/WQL";
var enumerator = session.Enumerate("http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/*", filter, dialect);

var count = 0;
var running = 0;
while (!enumerator.AtEndOfStream) {
    var item = enumerator.ReadItem();
    var name = /<p:Name>([^<]*)</.exec(item)[1];
    var state = /<p:State>([^<]*)</.exec(item)[1];
    if (count < 3) WScript.Echo(name + ": " + state);
    if (state == "Running") running++;
    count++;
}
WScript.Echo(count + " automatic services, " + running + " running (BatchItems " + session.BatchItems + ")");
