' enumerate.vbs - Session.Enumerate with a WQL filter, read with ReadItem until AtEndOfStream.
' Usage: cscript //nologo enumerate.vbs /url:... /user:... /password:...
Option Explicit
Dim args, wsman, options, session, flags
Set args = WScript.Arguments.Named
Set wsman = CreateObject("WSMan.Automation")
Set options = wsman.CreateConnectionOptions
options.UserName = args("user")
options.Password = args("password")
flags = wsman.SessionFlagUseBasic Or wsman.SessionFlagCredUsernamePassword Or wsman.SessionFlagNoEncryption
Set session = wsman.CreateSession(args("url"), flags, options)

Const WQL_DIALECT = "http://schemas.microsoft.com/wbem/wsman/1/WQL"
Dim filter, enumerator, item, count, running, xmlDoc, services, name, state
session.BatchItems = 3
filter = "SELECT Name, State FROM Win32_Service WHERE StartMode = 'Auto'"
Set enumerator = session.Enumerate("http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/*", filter, WQL_DIALECT)

Set services = CreateObject("Scripting.Dictionary")
Set xmlDoc = CreateObject("MSXML2.DOMDocument")
xmlDoc.async = False
count = 0
running = 0
Do While Not enumerator.AtEndOfStream
    item = enumerator.ReadItem
    xmlDoc.loadXML item
    name = xmlDoc.documentElement.selectSingleNode("*[local-name()='Name']").text
    state = xmlDoc.documentElement.selectSingleNode("*[local-name()='State']").text
    If count < 3 Then WScript.Echo name & ": " & state
    If state = "Running" Then running = running + 1
    services.Add name, state
    count = count + 1
Loop
WScript.Echo count & " automatic services, " & running & " running (BatchItems " & session.BatchItems & ")"
WScript.Echo "Dictionary has WinRM: " & services.Exists("WinRM") & ", " & services("WinRM")

' Enumerate with EnumerationFlagReturnObjectAndEPR on a selector filter.
Dim epr
Set enumerator = session.Enumerate("http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service", "", "", 0)
count = 0
Do Until enumerator.AtEndOfStream
    enumerator.ReadItem
    count = count + 1
Loop
WScript.Echo "all services: " & (count > 10)
