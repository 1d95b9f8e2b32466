' xml-output.vbs - a WMI instance through MSXML: XPath with SelectionNamespaces, a DOM built
' from it, and an XSLT that turns the reply into text, as the WinRM documentation's samples do.
' Usage: cscript //nologo xml-output.vbs /url:... /user:... /password:...
Option Explicit
Dim args, wsman, options, session, flags
Set args = WScript.Arguments.Named
Set wsman = CreateObject("WSMan.Automation")
Set options = wsman.CreateConnectionOptions
options.UserName = args("user")
options.Password = args("password")
flags = wsman.SessionFlagUseBasic Or wsman.SessionFlagCredUsernamePassword Or wsman.SessionFlagNoEncryption
Set session = wsman.CreateSession(args("url"), flags, options)
Const CLASS_URI = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service"
Dim reply, xmlDoc, xslDoc, summary, node, names, item

reply = session.Get(CLASS_URI & "?Name=WinRM")
Set xmlDoc = CreateObject("MSXML2.DOMDocument.6.0")
xmlDoc.async = False
If Not xmlDoc.loadXML(reply) Then
    WScript.Echo "parse error: " & xmlDoc.parseError.reason
    WScript.Quit 1
End If
xmlDoc.setProperty "SelectionNamespaces", "xmlns:p='" & CLASS_URI & "'"
WScript.Echo "Root: " & xmlDoc.documentElement.nodeName
WScript.Echo "Name: " & xmlDoc.selectSingleNode("/p:Win32_Service/p:Name").text
WScript.Echo "State: " & xmlDoc.selectSingleNode("//p:State").text
Set names = xmlDoc.selectNodes("/p:Win32_Service/p:*[starts-with(local-name(), 'Start')]")
WScript.Echo "Start* properties: " & names.length
For Each node In names
    WScript.Echo "  " & node.baseName & " = " & node.text
Next

' Build a small document from what was read.
Set summary = CreateObject("MSXML2.DOMDocument.6.0")
summary.appendChild summary.createElement("services")
Set item = summary.createElement("service")
item.setAttribute "name", xmlDoc.selectSingleNode("//p:Name").text
item.text = xmlDoc.selectSingleNode("//p:State").text
summary.documentElement.appendChild item
WScript.Echo "Summary: " & summary.xml

' An XSLT turns the reply into text.
Set xslDoc = CreateObject("MSXML2.DOMDocument.6.0")
xslDoc.async = False
xslDoc.loadXML "<xsl:stylesheet version=""1.0"" xmlns:xsl=""http://www.w3.org/1999/XSL/Transform"" xmlns:p=""" & CLASS_URI & """>" & _
    "<xsl:output method=""text""/>" & _
    "<xsl:template match=""/p:Win32_Service"">" & _
    "<xsl:value-of select=""p:DisplayName""/> (<xsl:value-of select=""p:Name""/>) is <xsl:value-of select=""p:State""/>" & _
    "</xsl:template></xsl:stylesheet>"
WScript.Echo "XSLT: " & xmlDoc.transformNode(xslDoc)
