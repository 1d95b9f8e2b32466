// resource-locator.js - a ResourceLocator with a selector, an option and a fragment path.
// Usage: cscript //nologo resource-locator.js /url:... /user:... /password:...

var args = WScript.Arguments.Named;
var wsman = new ActiveXObject("WSMan.Automation");
var options = wsman.CreateConnectionOptions();
options.UserName = args("user");
options.Password = args("password");
var session = wsman.CreateSession(args("url"),
    wsman.SessionFlagUseBasic() | wsman.SessionFlagCredUsernamePassword() | wsman.SessionFlagNoEncryption(),
    options);

var locator = wsman.CreateResourceLocator("http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service");
locator.AddSelector("Name", "WinRM");
locator.AddOption("__cimnamespace", "root/cimv2");
WScript.Echo("ResourceURI: " + locator.ResourceURI);

var whole = session.Get(locator);
WScript.Echo("whole instance names WinRM: " + (whole.indexOf("<p:Name>WinRM</p:Name>") >= 0));

// Only one property, through the fragment path (XPath dialect by default).
locator.FragmentPath = "State";
WScript.Echo("FragmentDialect: " + locator.FragmentDialect);
var fragment = session.Get(locator);
WScript.Echo("fragment: " + /<p:State[^>]*>([^<]*)</.exec(fragment)[1]);

// Selectors can be replaced on the same locator.
locator.ClearSelectors();
locator.AddSelector("Name", "Spooler");
WScript.Echo("Spooler fragment: " + /<p:State[^>]*>([^<]*)</.exec(session.Get(locator))[1]);
