// identify.js - Identify a WinRM service, in the style of the WinRM scripting samples.
// Usage: cscript //nologo identify.js /url:http://host:5985/wsman /user:name /password:secret

var args = WScript.Arguments.Named;
var wsman = new ActiveXObject("WSMan.Automation");

var options = wsman.CreateConnectionOptions();
options.UserName = args.Item("user");
options.Password = args.Item("password");

var flags = wsman.SessionFlagUseBasic() | wsman.SessionFlagCredUsernamePassword() | wsman.SessionFlagNoEncryption();
var session = wsman.CreateSession(args.Item("url"), flags, options);

// The reply is XML text; without MSXML a regular expression picks out the fields.
function field(xml, name) {
    var match = new RegExp("<wsmid:" + name + ">([^<]*)</wsmid:" + name + ">").exec(xml);
    return match ? match[1] : "(none)";
}

var response = session.Identify();
WScript.Echo("ProtocolVersion: " + field(response, "ProtocolVersion"));
WScript.Echo("ProductVendor:   " + field(response, "ProductVendor"));
WScript.Echo("ProductVersion:  " + field(response, "ProductVersion"));
