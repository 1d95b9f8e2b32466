// A script that relies on the logged-on identity: CreateSession() and CreateSession("localhost") with no credentials.
var wsman = new ActiveXObject("WSMan.Automation");
var internal = new ActiveXObject("WSMAN.InternalAutomation");
WScript.Echo("internal", typeof internal.ConfigSDDL);
var local = wsman.CreateSession();
var doc = new ActiveXObject("MSXML2.DOMDocument.6.0");
doc.loadXML(local.Identify());
doc.setProperty("SelectionNamespaces", "xmlns:id='http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd'");
WScript.Echo("local", doc.selectSingleNode("//id:ProductVendor").text);
var named = wsman.CreateSession("localhost");
doc.loadXML(named.Get("winrm/config/service"));
WScript.Echo("localhost", doc.documentElement.baseName);
