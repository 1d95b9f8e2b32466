' identify.vbs - Identify a WinRM service, as in the WinRM scripting samples.
' Usage: cscript //nologo identify.vbs /url:http://host:5985/wsman /user:name /password:secret
Option Explicit
Dim args, wsman, options, session, flags
Set args = WScript.Arguments.Named
Set wsman = CreateObject("WSMan.Automation")
Set options = wsman.CreateConnectionOptions
options.UserName = args("user")
options.Password = args("password")
flags = wsman.SessionFlagUseBasic Or wsman.SessionFlagCredUsernamePassword Or wsman.SessionFlagNoEncryption
Set session = wsman.CreateSession(args("url"), flags, options)

Dim response, xmlDoc, node
response = session.Identify

' Parse the reply with MSXML, XPath with the wsmid namespace.
Set xmlDoc = CreateObject("MSXML2.DOMDocument.6.0")
xmlDoc.async = False
xmlDoc.loadXML response
xmlDoc.setProperty "SelectionNamespaces", "xmlns:wsmid='http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd'"
For Each node In xmlDoc.documentElement.childNodes
    If node.baseName <> "SecurityProfiles" Then WScript.Echo node.baseName & ": " & node.text
Next
WScript.Echo "Vendor again: " & xmlDoc.selectSingleNode("//wsmid:ProductVendor").text
